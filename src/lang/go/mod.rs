//! Go front-end on tree-sitter-go: one syntax tree per file, turned into [`FileFacts`].
//!
//! Owns the mapping from Go syntax to occurrence kinds (which identifier is a declaration, a
//! call or a reference), function extents with the calls made in them, and comment and
//! string regions. A file with syntax errors keeps its partial tree and gets a warning.
//!
//! Cost is linear in the file: the tree is walked with a cursor and an explicit ancestor
//! stack (no recursion, so nesting depth cannot exhaust the stack), positions come from one
//! index per file ([`pos`]), and no node copies more than its own name. A file nested deeper
//! than [`scan::NESTING_BUDGET`] levels (measured on its tokens before parsing) is read token
//! by token instead, with a warning.

mod classify;
mod pos;
mod scan;

pub use scan::declarations;

use tree_sitter::{Node, Parser, TreeCursor};

use super::golex;
use super::{
    Call, FileFacts, FnKind, Function, OccKind, Occurrence, ParseWarning, TextKind, TextRegion,
    Want,
};
use crate::span::Span;
use classify::classify;
use pos::Positions;

thread_local! {
    static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
}

/// Most tokens a top-level declaration may have to be parsed: its syntax tree costs about
/// 200 bytes a token. A longer one (no hand-written declaration comes near; generated tables
/// rarely do) is read token by token, with a warning.
pub(crate) const DECL_TOKEN_BUDGET: usize = 400_000;

/// Reads the whole file: [`extract_for`] with [`Want::ALL`].
pub fn extract(src: &str) -> FileFacts {
    extract_for(src, &Want::ALL)
}

/// Reads a file one top-level declaration at a time: only the declarations `want` asks for
/// are parsed, each on its own (so memory follows the largest declaration, not the file),
/// and the results equal those of one parse of the whole file. The functions of the other
/// declarations come from the token scanner, without their calls. A file the lexer cannot
/// vouch for (an unterminated literal, unbalanced brackets) is parsed whole.
pub fn extract_for(src: &str, want: &Want) -> FileFacts {
    if let Some(at) = scan::nesting_over(src, scan::NESTING_BUDGET) {
        let mut facts = scan::lexical_facts(src, want);
        let (line, _) = Positions::new(src).position(at);
        facts.warnings.push(ParseWarning {
            line,
            message: format!(
                "nesting deeper than {} levels: the file was read token by token (every name is found; declarations other than top-level functions, types, constants and variables are references)",
                scan::NESTING_BUDGET
            ),
        });
        return facts;
    }
    let Some(lexed) = golex::text_regions(src) else {
        return whole(src, want);
    };
    let pos = Positions::new(src);
    let mut facts = FileFacts::default();
    scan::each_decl(src, |d, toks| {
        if !want.reads(d.start, d.end) {
            facts
                .functions
                .extend(scan::function_of(src, d, toks, &pos));
            return;
        }
        if d.tokens > DECL_TOKEN_BUDGET {
            scan::lexical_decl(src, d, toks, &pos, want, &mut facts);
            let (line, _) = pos.position(d.start);
            facts.warnings.push(ParseWarning {
                line,
                message: format!(
                    "a declaration of {} tokens (more than {DECL_TOKEN_BUDGET}) was read token by token: every name is found, but names declared inside it are references",
                    d.tokens
                ),
            });
            return;
        }
        let range = tree_sitter::Range {
            start_byte: d.start,
            end_byte: d.end,
            start_point: pos.point(d.start),
            end_point: pos.point(d.end),
        };
        let Some(tree) = parse(src, &[range]) else {
            scan::lexical_decl(src, d, toks, &pos, want, &mut facts);
            return;
        };
        let mut ex = Extractor::new(src, &pos, want, &lexed);
        ex.walk(tree.root_node().walk());
        if tree.root_node().has_error() {
            ex.syntax_warnings(tree.root_node());
        }
        let base = facts.functions.len();
        facts.functions.append(&mut ex.facts.functions);
        facts
            .occurrences
            .extend(ex.facts.occurrences.into_iter().map(|mut o| {
                o.function = o.function.map(|f| f + base);
                o
            }));
        facts.warnings.append(&mut ex.facts.warnings);
    });
    facts.text = lexed;
    facts
}

/// Parses `src` (only `ranges` of it, when given) with the thread's Go parser.
fn parse(src: &str, ranges: &[tree_sitter::Range]) -> Option<tree_sitter::Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_go::LANGUAGE.into())
                .expect("tree-sitter-go is ABI compatible with the linked tree-sitter");
            p
        });
        // ranges in order and inside the text always set; an empty list is the whole text
        parser.set_included_ranges(ranges).ok()?;
        parser.parse(src, None)
    })
}

/// One parse of the whole file, for files the lexer cannot split.
fn whole(src: &str, want: &Want) -> FileFacts {
    let Some(tree) = parse(src, &[]) else {
        return FileFacts {
            warnings: vec![ParseWarning {
                line: 1,
                message: "the Go parser gave up on this file".into(),
            }],
            ..FileFacts::default()
        };
    };
    let pos = Positions::new(src);
    let mut ex = Extractor::new(src, &pos, want, &[]);
    let root = tree.root_node();
    ex.walk(root.walk());
    if root.has_error() {
        ex.syntax_warnings(root);
    }
    let parsed_text = std::mem::take(&mut ex.parsed_text);
    let mut facts = ex.facts;
    facts.text = parsed_text;
    facts
}

/// The comments and literals the parser reports, for tests holding the lexer to them.
#[cfg(test)]
pub(crate) fn parser_text_regions(src: &str) -> Vec<TextRegion> {
    let tree = parse(src, &[]).unwrap();
    let pos = Positions::new(src);
    let mut ex = Extractor::new(src, &pos, &Want::ALL, &[]);
    ex.walk(tree.root_node().walk());
    ex.parsed_text
}

/// Whether byte `at` lies inside one of `regions` (sorted, disjoint).
fn in_regions(regions: &[TextRegion], at: usize) -> bool {
    let i = regions.partition_point(|r| r.end <= at);
    regions.get(i).is_some_and(|r| r.start <= at)
}

struct Extractor<'s, 'w> {
    src: &'s str,
    pos: &'w Positions<'s>,
    want: &'w Want<'w>,
    facts: FileFacts,
    /// (node id, function index) of the named functions we are inside.
    fn_stack: Vec<(usize, usize)>,
    /// Receiver variable name of each function (`r` in `func (r *R) f()`), by function index.
    receiver_vars: Vec<Option<String>>,
    /// Comments and literals as the parser reads them.
    parsed_text: Vec<TextRegion>,
    /// Whether a parameter list holds a named parameter, by node id (computed once a list).
    named_params: std::collections::HashMap<usize, bool>,
    /// Comments and literals as the lexer reads them (empty when it is unsure): no name
    /// inside one is code, whatever the parser's error recovery made of it.
    lexed_text: &'w [TextRegion],
}

/// An ancestor on the way down: the node and the field it fills in its own parent.
#[derive(Clone, Copy)]
pub(super) struct Anc<'t> {
    pub node: Node<'t>,
    pub field: Option<&'t str>,
}

impl<'s, 'w> Extractor<'s, 'w> {
    fn new(
        src: &'s str,
        pos: &'w Positions<'s>,
        want: &'w Want<'w>,
        lexed_text: &'w [TextRegion],
    ) -> Self {
        Extractor {
            src,
            pos,
            want,
            facts: FileFacts::default(),
            fn_stack: Vec::new(),
            receiver_vars: Vec::new(),
            parsed_text: Vec::new(),
            named_params: Default::default(),
            lexed_text,
        }
    }

    fn span(&self, n: Node) -> Span {
        self.pos.span(n.start_byte(), n.end_byte())
    }

    fn text(&self, n: Node) -> &'s str {
        &self.src[n.start_byte()..n.end_byte()]
    }

    fn current_fn(&self) -> Option<usize> {
        self.fn_stack.last().map(|&(_, i)| i)
    }

    /// Depth-first walk with an explicit ancestor stack (no recursion: deep trees are fine).
    fn walk<'t>(&mut self, mut cursor: TreeCursor<'t>) {
        let mut ancestors: Vec<Anc<'t>> = Vec::new();
        loop {
            let node = cursor.node();
            let field = cursor.field_name();
            let descend = self.enter(node, field, &ancestors);
            if descend && cursor.goto_first_child() {
                ancestors.push(Anc { node, field });
                continue;
            }
            self.leave(node);
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                let parent = ancestors.pop().expect("ancestor stack mirrors the cursor");
                self.leave(parent.node);
            }
        }
    }

    fn leave(&mut self, node: Node) {
        if self.fn_stack.last().is_some_and(|&(id, _)| id == node.id()) {
            self.fn_stack.pop();
        }
    }

    /// Handles one node; returns whether to visit its children.
    fn enter<'t>(&mut self, node: Node<'t>, field: Option<&'t str>, anc: &[Anc<'t>]) -> bool {
        match node.kind() {
            "comment" => {
                self.push_text(node, TextKind::Comment);
                false
            }
            "interpreted_string_literal" | "raw_string_literal" | "rune_literal" => {
                self.push_text(node, TextKind::String);
                false
            }
            "function_declaration" | "method_declaration" => {
                self.open_function(node);
                true
            }
            "call_expression" => {
                self.record_call(node);
                true
            }
            "type_conversion_expression" => {
                // `F[int](x)` parses as a conversion to a generic type; it is a generic call.
                if let Some(ty) = node.child_by_field_name("type")
                    && ty.kind() == "generic_type"
                    && let Some(name) = ty.child_by_field_name("type")
                {
                    match name.kind() {
                        "type_identifier" => self.push_call(name, None, false),
                        "qualified_type" => {
                            if let Some(last) = name.child_by_field_name("name") {
                                let q = name
                                    .child_by_field_name("package")
                                    .map(|p| self.qualifier(p));
                                self.push_call(last, q, false);
                            }
                        }
                        _ => {}
                    }
                }
                true
            }
            "short_var_declaration" | "assignment_statement" => {
                if let Some(right) = node.child_by_field_name("right") {
                    self.record_values(right);
                }
                true
            }
            // `iota`, `nil`, `true` and `false` are predeclared names, not keywords, in Go
            "identifier" | "field_identifier" | "type_identifier" | "package_identifier"
            | "iota" | "nil" | "true" | "false" => {
                self.identifier(node, field, anc);
                false
            }
            _ => true,
        }
    }

    fn push_text(&mut self, node: Node, kind: TextKind) {
        self.parsed_text.push(TextRegion {
            kind,
            start: node.start_byte(),
            end: node.end_byte(),
            test: false,
        });
    }

    fn open_function(&mut self, node: Node) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let recv_var = node
            .child_by_field_name("receiver")
            .and_then(|r| receiver_var(r, self.src));
        let (kind, receiver) = if node.kind() == "method_declaration" {
            let recv = node
                .child_by_field_name("receiver")
                .and_then(|r| receiver_type(r, self.src));
            (FnKind::Method, recv)
        } else {
            (FnKind::Func, None)
        };
        self.facts.functions.push(Function {
            name: self.text(name).to_string(),
            kind,
            receiver,
            span: self.span(node),
            name_span: self.span(name),
            calls: Vec::new(),
            test: false,
        });
        self.receiver_vars.push(recv_var);
        self.fn_stack
            .push((node.id(), self.facts.functions.len() - 1));
    }

    /// Records the callee of a call expression and the function values among its arguments.
    fn record_call(&mut self, node: Node) {
        if let Some(f) = node.child_by_field_name("function") {
            self.callee(f, false);
        }
        if let Some(args) = node.child_by_field_name("arguments") {
            self.record_values(args);
        }
    }

    /// Function and method values (`F`, `r.M`) directly inside an argument or expression list.
    fn record_values(&mut self, list: Node) {
        let mut c = list.walk();
        for arg in list.named_children(&mut c) {
            if matches!(arg.kind(), "identifier" | "selector_expression") {
                self.callee(arg, true);
            }
        }
    }

    fn callee(&mut self, mut f: Node, value: bool) {
        loop {
            match f.kind() {
                "identifier" => return self.push_call(f, None, value),
                "selector_expression" => {
                    if let Some(name) = f.child_by_field_name("field") {
                        let q = f.child_by_field_name("operand").map(|o| self.qualifier(o));
                        self.push_call(name, q, value);
                    }
                    return;
                }
                // `F[T](x)`, `pkg.F[T](x)`
                "index_expression" | "generic_type" => {
                    match f
                        .child_by_field_name("operand")
                        .or_else(|| f.child_by_field_name("type"))
                    {
                        Some(op) => f = op,
                        None => return,
                    }
                }
                "parenthesized_expression" => match f.named_child(0) {
                    Some(inner) => f = inner,
                    None => return,
                },
                _ => return,
            }
        }
    }

    /// The qualifier of a selector call: the operand's text when it is a name or a dotted
    /// path of names (`r`, `pkg`, `r.client`); for any other expression (`f().g()`,
    /// `x[i].g()`) the placeholder `(expr)`, so that a long call chain is not copied once per
    /// call.
    fn qualifier(&self, operand: Node) -> String {
        let mut n = operand;
        loop {
            match n.kind() {
                "identifier" | "field_identifier" | "package_identifier" | "type_identifier" => {
                    return self.text(operand).to_string();
                }
                "selector_expression" | "qualified_type" => {
                    match n
                        .child_by_field_name("operand")
                        .or_else(|| n.child_by_field_name("package"))
                    {
                        Some(o) => n = o,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        "(expr)".to_string()
    }

    fn push_call(&mut self, name: Node, qualifier: Option<String>, value: bool) {
        let Some(fi) = self.current_fn() else { return };
        let callee = self.text(name);
        if callee == "_" || in_regions(self.lexed_text, name.start_byte()) {
            return;
        }
        // a call on the method's own receiver is recorded with the qualifier `self`, so the
        // call graph can resolve `r.f()` to the receiver type's own method `f`
        let qualifier = match (qualifier, &self.receiver_vars[fi]) {
            (Some(q), Some(rv)) if &q == rv => Some("self".to_string()),
            (q, _) => q,
        };
        let call = Call {
            callee: callee.to_string(),
            span: self.span(name),
            method: qualifier.is_some(),
            qualifier,
            value,
        };
        self.facts.functions[fi].calls.push(call);
    }

    fn identifier<'t>(&mut self, node: Node<'t>, field: Option<&'t str>, anc: &[Anc<'t>]) {
        let name = self.text(node);
        if name == "_"
            || name.is_empty()
            || !node.is_named()
            || in_regions(self.lexed_text, node.start_byte())
            || !self.want.keeps(name)
        {
            return;
        }
        let Some(mut kind) = classify(node, field, anc) else {
            return;
        };
        if kind == OccKind::Reference && self.misread_parameter_name(node, field, anc) {
            kind = OccKind::Var;
        }
        let function = if matches!(kind, OccKind::Func | OccKind::Method)
            && anc.last().is_some_and(|p| {
                matches!(p.node.kind(), "function_declaration" | "method_declaration")
            }) {
            None
        } else {
            self.current_fn()
        };
        self.facts.occurrences.push(Occurrence {
            name: name.to_string(),
            kind,
            span: self.span(node),
            function,
            test: false,
        });
    }

    /// A name the grammar reads as a parameter's type: `a` in `(a, b, c int)` can come out as
    /// a type-only parameter followed by `b, c int`. Go does not mix named and unnamed
    /// parameters, so in a list with a named parameter a bare type name alone is a name.
    fn misread_parameter_name<'t>(
        &mut self,
        node: Node<'t>,
        field: Option<&'t str>,
        anc: &[Anc<'t>],
    ) -> bool {
        let [.., list, param] = anc else { return false };
        if node.kind() != "type_identifier"
            || field != Some("type")
            || param.node.kind() != "parameter_declaration"
            || param.node.child_by_field_name("name").is_some()
            || list.node.kind() != "parameter_list"
        {
            return false;
        }
        let id = list.node.id();
        if let Some(&named) = self.named_params.get(&id) {
            return named;
        }
        let mut c = list.node.walk();
        let named = list.node.named_children(&mut c).any(|p| {
            matches!(
                p.kind(),
                "parameter_declaration" | "variadic_parameter_declaration"
            ) && p.child_by_field_name("name").is_some()
        });
        self.named_params.insert(id, named);
        named
    }

    fn syntax_warnings(&mut self, root: Node) {
        let mut cursor = root.walk();
        let mut found = Vec::new();
        loop {
            let n = cursor.node();
            if n.is_error() || n.is_missing() {
                found.push(n);
                if found.len() >= 5 {
                    break;
                }
            } else if n.has_error() && cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break;
                }
            }
            if cursor.node().id() == root.id() {
                break;
            }
        }
        for n in found {
            let (line, col) = self.pos.position(n.start_byte());
            let message = if n.is_missing() {
                format!("syntax error at column {col}: missing `{}`", n.kind())
            } else {
                format!(
                    "syntax error at column {col}: unexpected input; the rest of the file was read from a partial tree"
                )
            };
            self.facts.warnings.push(ParseWarning { line, message });
        }
    }
}

/// `r` from a receiver list `(r *R[T])`.
fn receiver_var(list: Node, src: &str) -> Option<String> {
    let mut c = list.walk();
    let param = list
        .named_children(&mut c)
        .find(|n| n.kind() == "parameter_declaration")?;
    let name = param.child_by_field_name("name")?;
    Some(src[name.start_byte()..name.end_byte()].to_string())
}

/// `R` from a receiver list `(r *R[T])`.
fn receiver_type(list: Node, src: &str) -> Option<String> {
    let mut c = list.walk();
    let param = list
        .named_children(&mut c)
        .find(|n| n.kind() == "parameter_declaration")?;
    let mut ty = param.child_by_field_name("type")?;
    loop {
        match ty.kind() {
            "pointer_type" => ty = ty.named_child(0)?,
            "generic_type" => ty = ty.child_by_field_name("type")?,
            "parenthesized_type" => ty = ty.named_child(0)?,
            "type_identifier" => return Some(src[ty.start_byte()..ty.end_byte()].to_string()),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod equivalence;
#[cfg(test)]
mod tests;
