//! Go front-end on tree-sitter-go: one syntax tree per file, turned into [`FileFacts`].
//!
//! Owns the mapping from Go syntax to occurrence kinds (which identifier is a declaration, a
//! call or a reference), function extents with the calls made in them, and comment and
//! string regions. A file with syntax errors keeps its partial tree and gets a warning.

use tree_sitter::{Node, Parser, TreeCursor};

use super::{
    Call, FileFacts, FnKind, Function, OccKind, Occurrence, ParseWarning, TextKind, TextRegion,
};
use crate::span::{LineIndex, Span};

thread_local! {
    static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
}

pub fn extract(src: &str) -> FileFacts {
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_go::LANGUAGE.into())
                .expect("tree-sitter-go is ABI compatible with the linked tree-sitter");
            p
        });
        parser.parse(src, None)
    });
    let Some(tree) = tree else {
        return FileFacts {
            warnings: vec![ParseWarning {
                line: 1,
                message: "the Go parser gave up on this file".into(),
            }],
            ..FileFacts::default()
        };
    };
    let mut ex = Extractor {
        src,
        idx: LineIndex::new(src),
        facts: FileFacts::default(),
        fn_stack: Vec::new(),
        receiver_vars: Vec::new(),
    };
    let root = tree.root_node();
    ex.walk(root.walk());
    if root.has_error() {
        ex.syntax_warnings(root);
    }
    ex.facts
}

struct Extractor<'s> {
    src: &'s str,
    idx: LineIndex,
    facts: FileFacts,
    /// (node id, function index) of the named functions we are inside.
    fn_stack: Vec<(usize, usize)>,
    /// Receiver variable name of each function (`r` in `func (r *R) f()`), by function index.
    receiver_vars: Vec<Option<String>>,
}

/// An ancestor on the way down: the node and the field it fills in its own parent.
#[derive(Clone, Copy)]
struct Anc<'t> {
    node: Node<'t>,
    field: Option<&'t str>,
}

impl<'s> Extractor<'s> {
    fn span(&self, n: Node) -> Span {
        self.idx.span(self.src, n.start_byte(), n.end_byte())
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
                                    .map(|p| self.text(p).to_string());
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
            "identifier" | "field_identifier" | "type_identifier" | "package_identifier" => {
                self.identifier(node, field, anc);
                false
            }
            _ => true,
        }
    }

    fn push_text(&mut self, node: Node, kind: TextKind) {
        self.facts.text.push(TextRegion {
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

    fn callee(&mut self, f: Node, value: bool) {
        match f.kind() {
            "identifier" => self.push_call(f, None, value),
            "selector_expression" => {
                if let Some(name) = f.child_by_field_name("field") {
                    let q = f
                        .child_by_field_name("operand")
                        .map(|o| self.text(o).to_string());
                    self.push_call(name, q, value);
                }
            }
            // `F[T](x)`, `pkg.F[T](x)`
            "index_expression" | "generic_type" => {
                if let Some(op) = f
                    .child_by_field_name("operand")
                    .or_else(|| f.child_by_field_name("type"))
                {
                    self.callee(op, value);
                }
            }
            "parenthesized_expression" => {
                if let Some(inner) = f.named_child(0) {
                    self.callee(inner, value);
                }
            }
            _ => {}
        }
    }

    fn push_call(&mut self, name: Node, qualifier: Option<String>, value: bool) {
        let Some(fi) = self.current_fn() else { return };
        let callee = self.text(name);
        if callee == "_" {
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
        if name == "_" || name.is_empty() {
            return;
        }
        let Some(kind) = classify(node, field, anc) else {
            return;
        };
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
            let (line, col) = self.idx.position(self.src, n.start_byte());
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

/// The occurrence kind of an identifier from its place in the tree; `None` for names that
/// are not occurrences (labels).
fn classify(node: Node, field: Option<&str>, anc: &[Anc]) -> Option<OccKind> {
    let parent = anc.last()?;
    let pk = parent.node.kind();
    Some(match (pk, field) {
        ("function_declaration", Some("name")) => OccKind::Func,
        ("method_declaration", Some("name")) => OccKind::Method,
        ("method_elem" | "method_spec", Some("name")) => OccKind::Method,
        ("type_spec" | "type_alias", Some("name")) => OccKind::Type,
        ("type_parameter_declaration", Some("name")) => OccKind::Type,
        ("field_declaration", Some("name")) => OccKind::Field,
        ("const_spec", Some("name")) => OccKind::Const,
        ("var_spec", Some("name")) => OccKind::Var,
        ("parameter_declaration" | "variadic_parameter_declaration", Some("name")) => OccKind::Var,
        ("expression_list", _) if is_declaring_list(anc) => OccKind::Var,
        ("call_expression", Some("function")) => OccKind::Call,
        ("selector_expression", Some("field")) if selector_is_callee(anc) => OccKind::Call,
        ("generic_type", Some("type")) if generic_is_call(anc) => OccKind::Call,
        ("qualified_type", Some("name")) if qualified_generic_is_call(anc) => OccKind::Call,
        ("index_expression", Some("operand")) if index_is_callee(anc) => OccKind::Call,
        ("labeled_statement" | "break_statement" | "continue_statement" | "goto_statement", _) => {
            return None;
        }
        _ if node.kind() == "type_identifier" && is_embedded_field(anc) => OccKind::Field,
        _ => OccKind::Reference,
    })
}

/// `a, b := ...` and `for k, v := range m`: the left-hand names are declarations.
fn is_declaring_list(anc: &[Anc]) -> bool {
    let [.., gp, list] = anc else { return false };
    if list.field != Some("left") {
        return false;
    }
    match gp.node.kind() {
        "short_var_declaration" => true,
        "range_clause" => {
            let mut c = gp.node.walk();
            gp.node.children(&mut c).any(|ch| ch.kind() == ":=")
        }
        _ => false,
    }
}

fn selector_is_callee(anc: &[Anc]) -> bool {
    // anc: [..., call_expression, selector_expression(field = function)]
    // or   [..., call_expression, index_expression(function), selector_expression(operand)]
    match anc {
        [.., call, sel] if sel.field == Some("function") => call.node.kind() == "call_expression",
        [.., call, idx, sel] if sel.field == Some("operand") && idx.field == Some("function") => {
            call.node.kind() == "call_expression" && idx.node.kind() == "index_expression"
        }
        _ => false,
    }
}

fn index_is_callee(anc: &[Anc]) -> bool {
    matches!(anc, [.., call, idx] if idx.field == Some("function") && call.node.kind() == "call_expression")
}

fn generic_is_call(anc: &[Anc]) -> bool {
    matches!(anc, [.., conv, g] if g.field == Some("type") && conv.node.kind() == "type_conversion_expression")
}

fn qualified_generic_is_call(anc: &[Anc]) -> bool {
    matches!(anc, [.., conv, g, q] if q.field == Some("type") && g.field == Some("type")
        && g.node.kind() == "generic_type" && conv.node.kind() == "type_conversion_expression")
}

/// A type name that is the whole type of a field declaration without names (`Embedded`,
/// `*pkg.Embedded`).
fn is_embedded_field(anc: &[Anc]) -> bool {
    for (i, a) in anc.iter().enumerate().rev() {
        match a.node.kind() {
            "pointer_type" => continue,
            "qualified_type" => {
                // only the type name, not the package: checked by the caller's node kind
                continue;
            }
            "field_declaration" => {
                let has_name = a.node.child_by_field_name("name").is_some();
                // the path from the field declaration must enter through its `type` field
                let via_type = anc.get(i + 1).is_none_or(|c| c.field == Some("type"));
                return !has_name && via_type;
            }
            _ => return false,
        }
    }
    false
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
mod tests {
    use super::*;

    /// (name, kind, line, column, end_column, enclosing function)
    fn occ(src: &str) -> Vec<(String, &'static str, u32, u32, u32, String)> {
        let f = extract(src);
        f.occurrences
            .iter()
            .map(|o| {
                (
                    o.name.clone(),
                    o.kind.as_str(),
                    o.span.line,
                    o.span.column,
                    o.span.end_column,
                    o.function
                        .map(|i| f.functions[i].name.clone())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    fn named(
        all: &[(String, &'static str, u32, u32, u32, String)],
        name: &str,
    ) -> Vec<(&'static str, u32, u32)> {
        all.iter()
            .filter(|o| o.0 == name)
            .map(|o| (o.1, o.2, o.3))
            .collect()
    }

    #[test]
    fn declarations_of_every_kind() {
        let src = "package p\n\
type Skip struct {\n\
\tA, SkipReason int\n\
\tSkipDetails\n\
\t*pkg.PhaseSkipped\n\
\tInner struct{ SkipReason string }\n\
}\n\
type Router interface{ CheckCooldown() error }\n\
const PhaseSkipped = \"Skipped\"\n\
var NextAllowedExecution int\n\
func CheckCooldown(backoff int) {}\n\
func (r *R[T]) MarkSkipped() { skip := 1; for i, j := range x {} }\n";
        let all = occ(src);
        assert_eq!(named(&all, "Skip"), [("type", 2, 6)]);
        assert_eq!(
            named(&all, "SkipReason"),
            [("field", 3, 5), ("field", 6, 16)]
        );
        assert_eq!(named(&all, "SkipDetails"), [("field", 4, 2)]);
        assert_eq!(
            named(&all, "PhaseSkipped"),
            [("field", 5, 7), ("const", 9, 7)]
        );
        assert_eq!(named(&all, "pkg"), [("reference", 5, 3)]);
        assert_eq!(
            named(&all, "CheckCooldown"),
            [("method", 8, 24), ("func", 11, 6)]
        );
        assert_eq!(named(&all, "NextAllowedExecution"), [("var", 10, 5)]);
        assert_eq!(named(&all, "backoff"), [("var", 11, 20)]);
        assert_eq!(named(&all, "MarkSkipped"), [("method", 12, 16)]);
        assert_eq!(named(&all, "skip"), [("var", 12, 32)]);
        assert_eq!(named(&all, "i"), [("var", 12, 47)]);
        assert_eq!(named(&all, "T"), [("reference", 12, 12)]);
        let f = extract(src);
        let m = f
            .functions
            .iter()
            .find(|f| f.name == "MarkSkipped")
            .unwrap();
        assert_eq!(m.receiver.as_deref(), Some("R"));
        assert_eq!(m.kind, FnKind::Method);
    }

    #[test]
    fn calls_references_and_values() {
        let src = "package p\n\
func (r *R) reconcilePending() {\n\
\tr.CheckCooldown(ctx) // CheckCooldown() in a comment\n\
\tx := \"http://x\"; CheckResourceLock(x)\n\
\tF[int](x)\n\
\tpkg.G[string](x)\n\
\tf := r.MarkSkipped\n\
\trun(r.MarkSkipped, FindMostRecentTerminalWFE)\n\
\ts := Status{SkipReason: `raw CheckCooldown`, Phase: PhaseSkipped}\n\
\t_ = s.SkipDetails\n\
\tvar t SkipDetails\n\
}\n";
        let all = occ(src);
        let pending = "reconcilePending".to_string();
        assert!(
            all.iter()
                .filter(|o| o.0 != "reconcilePending" && o.2 > 1)
                .all(|o| o.5 == pending)
        );
        assert_eq!(named(&all, "CheckCooldown"), [("call", 3, 4)]);
        assert_eq!(named(&all, "CheckResourceLock"), [("call", 4, 19)]);
        assert_eq!(named(&all, "F"), [("call", 5, 2)]);
        assert_eq!(named(&all, "G"), [("call", 6, 6)]);
        assert_eq!(
            named(&all, "MarkSkipped"),
            [("reference", 7, 9), ("reference", 8, 8)]
        );
        assert_eq!(
            named(&all, "FindMostRecentTerminalWFE"),
            [("reference", 8, 21)]
        );
        assert_eq!(named(&all, "SkipReason"), [("reference", 9, 14)]);
        assert_eq!(named(&all, "PhaseSkipped"), [("reference", 9, 54)]);
        assert_eq!(
            named(&all, "SkipDetails"),
            [("reference", 10, 8), ("reference", 11, 8)]
        );

        // values are candidate call edges; the call graph keeps only names that are functions
        let f = extract(src);
        let calls: Vec<(&str, Option<&str>, bool, u32)> = f.functions[0]
            .calls
            .iter()
            .map(|c| {
                (
                    c.callee.as_str(),
                    c.qualifier.as_deref(),
                    c.value,
                    c.span.line,
                )
            })
            .collect();
        assert_eq!(
            calls,
            [
                ("CheckCooldown", Some("self"), false, 3),
                ("ctx", None, true, 3),
                ("CheckResourceLock", None, false, 4),
                ("x", None, true, 4),
                ("F", None, false, 5),
                ("G", Some("pkg"), false, 6),
                ("MarkSkipped", Some("self"), true, 7),
                ("run", None, false, 8),
                ("MarkSkipped", Some("self"), true, 8),
                ("FindMostRecentTerminalWFE", None, true, 8),
                ("SkipDetails", Some("s"), true, 10),
            ]
        );
        // comments and strings are text regions, not occurrences
        let kinds: Vec<TextKind> = f.text.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [TextKind::Comment, TextKind::String, TextKind::String]
        );
    }

    #[test]
    fn function_extents() {
        let src =
            "package p\n\n// doc\nfunc a() {\n\tb()\n}\n\nfunc (x T) b() int {\n\treturn 1\n}\n";
        let f = extract(src);
        let spans: Vec<(&str, u32, u32)> = f
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.span.line, f.span.end_line))
            .collect();
        assert_eq!(spans, [("a", 4, 6), ("b", 8, 10)]);
    }

    #[test]
    fn syntax_error_keeps_partial_tree() {
        let src = "package p\nfunc ok() { CheckCooldown() }\nfunc broken( {\n\nfunc after() { MarkSkipped() }\n";
        let f = extract(src);
        assert!(!f.warnings.is_empty());
        assert_eq!(f.warnings[0].line, 3, "{:?}", f.warnings);
        let all = occ(src);
        assert_eq!(named(&all, "CheckCooldown"), [("call", 2, 13)]);
        assert!(!named(&all, "MarkSkipped").is_empty());
    }

    #[test]
    fn garbage_does_not_panic() {
        for src in [
            "",
            "}}}{{{",
            "package",
            "\u{0}\u{1}func",
            "func (",
            "\"unterminated",
            "`raw",
            "/* open",
        ] {
            let _ = extract(src);
        }
    }

    #[test]
    fn unicode_columns_are_characters() {
        let src = "package p\nfunc f() { s := \"çé\"; CheckCooldown() }\n";
        let all = occ(src);
        assert_eq!(named(&all, "CheckCooldown"), [("call", 2, 23)]);
    }
}
