//! syn visitor of the Rust front-end: classifies every identifier of the syntax tree
//! (declarations, calls, references), opens the function table's entries and marks test code.

use std::collections::HashSet;

use proc_macro2::{Ident, Span as PmSpan, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ExprPath, Meta, Signature, Type, Visibility};

use super::captures::is_format_macro;
use super::fallback::{Frame, TokMode, cfg_text_is_test};
use super::shapes::Ctx;
use super::{Collector, MAX_QUALIFIER_DEPTH, tok, unraw};
use crate::lang::{FnKind, OccKind};

/// The attributes of an impl or trait member (`ImplItem`, `TraitItem`: the same variants).
macro_rules! member_attrs {
    ($item:expr, $enum:ident) => {
        match $item {
            syn::$enum::Const(i) => &i.attrs[..],
            syn::$enum::Fn(i) => &i.attrs[..],
            syn::$enum::Type(i) => &i.attrs[..],
            syn::$enum::Macro(i) => &i.attrs[..],
            _ => &[],
        }
    };
}

/// The outer attributes of the expressions a statement can start with.
fn expr_attrs(e: &Expr) -> &[Attribute] {
    match e {
        Expr::Call(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Macro(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::If(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::Assign(x) => &x.attrs,
        Expr::Unsafe(x) => &x.attrs,
        Expr::Async(x) => &x.attrs,
        Expr::Await(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::ForLoop(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Path(x) => &x.attrs,
        Expr::Field(x) => &x.attrs,
        Expr::Return(x) => &x.attrs,
        _ => &[],
    }
}

/// `matches!`-like macros: an expression, then a pattern (with an optional guard).
fn is_matches_macro(path: &syn::Path) -> bool {
    path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "matches" | "assert_matches" | "debug_assert_matches"
        )
    })
}

type MatchesBody = (Expr, syn::Pat, Option<Expr>);

fn parse_matches_body(input: syn::parse::ParseStream) -> syn::Result<MatchesBody> {
    let e: Expr = input.parse()?;
    input.parse::<syn::Token![,]>()?;
    let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
    let guard = if input.peek(syn::Token![if]) {
        input.parse::<syn::Token![if]>()?;
        Some(input.parse::<Expr>()?)
    } else {
        None
    };
    // an optional message after the pattern (assert_matches!)
    while !input.is_empty() {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok((e, pat, guard))
}

impl Collector<'_> {
    fn record_call(&mut self, ident: &Ident, qualifier: Option<String>, method: bool) {
        if let Some(t) = tok(ident, false, self.base)
            && self.push_occ(&t, OccKind::Call, self.cur_fn(), self.test)
        {
            self.push_call(self.cur_fn(), &t, qualifier, false, method);
        }
    }

    /// A path used as a function value (`run(Self::mark_skipped)`, `let f = check_cooldown;`).
    fn record_value(&mut self, p: &ExprPath) {
        let Some(f) = self.cur_fn() else { return };
        let Some(last) = p.path.segments.last() else {
            return;
        };
        let name = unraw(&last.ident);
        // types, variants and constants (`None`, `Foo::Bar`, `MAX`) are not functions
        if name.starts_with(|c: char| c.is_uppercase()) {
            return;
        }
        let single = p.path.segments.len() == 1 && p.qself.is_none();
        if single && self.locals[f].contains(&name) {
            return;
        }
        if let Some(t) = tok(&last.ident, false, self.base) {
            self.push_call(Some(f), &t, path_qualifier(p), true, false);
        }
    }

    /// Classifies at token level what syn kept as raw tokens (`Item::Verbatim` and the like:
    /// a body-less `fn` in an impl, `static X: T;`, `builtin # offset_of(..)`), with the
    /// classification of the token fallback; functions found there join the function table,
    /// as methods when `receiver` is given.
    fn walk_verbatim(
        &mut self,
        ts: &TokenStream,
        mode: TokMode,
        member: bool,
        receiver: Option<String>,
    ) {
        let Some(first) = ts.clone().into_iter().next() else {
            return;
        };
        if first.span().start().line == 0 {
            return;
        }
        let start = self.base.byte(first.span().byte_range().start);
        let end = match ts.clone().into_iter().last() {
            Some(TokenTree::Group(g)) => g.span_close().byte_range().end,
            Some(t) => t.span().byte_range().end,
            None => return,
        };
        let end = self.base.byte(end);
        let t = self.tokens();
        let mut frame = Frame::new(
            t.range(start, end),
            mode,
            self.cur_fn(),
            self.test,
            receiver,
        );
        frame.ctx = if member { Ctx::Members } else { Ctx::Code };
        self.walk(&t, frame);
    }

    fn with_test_attrs(
        &mut self,
        attrs: &[Attribute],
        node: &dyn Spanned,
        body: impl FnOnce(&mut Self),
    ) {
        let saved = self.test;
        if !self.test && attrs.iter().any(is_test_attr) {
            self.test = true;
            let r = node.span().byte_range();
            let start = attrs
                .first()
                .map(|a| a.pound_token.span.byte_range().start)
                .unwrap_or(r.start)
                .min(r.start);
            let base = self.base;
            self.test_ranges.push((base.byte(start), base.byte(r.end)));
        }
        body(self);
        self.test = saved;
    }
}

fn is_test_attr(attr: &Attribute) -> bool {
    let path = attr.path();
    if path.segments.last().is_some_and(|s| s.ident == "test")
        && !matches!(attr.meta, Meta::NameValue(_))
    {
        return true;
    }
    match &attr.meta {
        Meta::List(l) if path.is_ident("cfg") => cfg_text_is_test(&l.tokens.to_string()),
        _ => false,
    }
}

// --- syn level helpers -------------------------------------------------------------------

/// The first token of a function after its attributes.
fn fn_start(vis: &Visibility, defaultness: Option<PmSpan>, sig: &Signature) -> PmSpan {
    if !matches!(vis, Visibility::Inherited) {
        return vis.span();
    }
    defaultness
        .or(sig.constness.map(|t| t.span))
        .or(sig.asyncness.map(|t| t.span))
        .or(sig.unsafety.map(|t| t.span))
        .or(sig.abi.as_ref().map(|a| a.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

/// Last identifier of a self type: `Reconciler` for `impl<T> Trait for &mut a::Reconciler<T>`.
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| unraw(&s.ident)),
        Type::Reference(r) => type_name(&r.elem),
        Type::Paren(p) => type_name(&p.elem),
        Type::Group(g) => type_name(&g.elem),
        Type::Ptr(p) => type_name(&p.elem),
        Type::TraitObject(t) => t.bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(t) => t.path.segments.last().map(|s| unraw(&s.ident)),
            _ => None,
        }),
        _ => None,
    }
}

/// `foo::bar` for `foo::bar::f`, `Self` for `Self::f`, `None` for a bare `f`.
fn path_qualifier(p: &ExprPath) -> Option<String> {
    let segs = &p.path.segments;
    if segs.len() >= 2 {
        let q: Vec<String> = segs
            .iter()
            .take(segs.len() - 1)
            .map(|s| unraw(&s.ident))
            .collect();
        return Some(q.join("::"));
    }
    p.qself
        .as_ref()
        .map(|q| type_name(&q.ty).unwrap_or_else(|| "<type>".into()))
}

/// A compact rendering of a method call receiver: `self.client`, `r`, `api.get()`.
fn render(e: &Expr, depth: usize) -> String {
    if depth > MAX_QUALIFIER_DEPTH {
        return "..".into();
    }
    match e {
        Expr::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| unraw(&s.ident))
            .collect::<Vec<_>>()
            .join("::"),
        Expr::Field(f) => {
            let member = match &f.member {
                syn::Member::Named(i) => unraw(i),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            format!("{}.{member}", render(&f.base, depth + 1))
        }
        Expr::MethodCall(m) => format!("{}.{}()", render(&m.receiver, depth + 1), unraw(&m.method)),
        Expr::Call(c) => format!("{}()", render(&c.func, depth + 1)),
        Expr::Paren(p) => render(&p.expr, depth),
        Expr::Group(g) => render(&g.expr, depth),
        Expr::Reference(r) => render(&r.expr, depth),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => render(&u.expr, depth),
        Expr::Try(t) => format!("{}?", render(&t.expr, depth + 1)),
        Expr::Await(a) => format!("{}.await", render(&a.base, depth + 1)),
        Expr::Index(i) => format!("{}[..]", render(&i.expr, depth + 1)),
        Expr::Macro(m) => format!(
            "{}!(..)",
            m.mac
                .path
                .segments
                .last()
                .map(|s| unraw(&s.ident))
                .unwrap_or_default()
        ),
        _ => "<expr>".into(),
    }
}

/// The path of an expression used as a value, looking through `&` and parentheses.
fn value_path(e: &Expr) -> Option<&ExprPath> {
    match e {
        Expr::Path(p) => Some(p),
        Expr::Reference(r) => value_path(&r.expr),
        Expr::Paren(p) => value_path(&p.expr),
        Expr::Group(g) => value_path(&g.expr),
        _ => None,
    }
}

fn item_attrs(item: &syn::Item) -> &[Attribute] {
    use syn::Item::*;
    match item {
        Const(i) => &i.attrs,
        Enum(i) => &i.attrs,
        ExternCrate(i) => &i.attrs,
        Fn(i) => &i.attrs,
        ForeignMod(i) => &i.attrs,
        Impl(i) => &i.attrs,
        Macro(i) => &i.attrs,
        Mod(i) => &i.attrs,
        Static(i) => &i.attrs,
        Struct(i) => &i.attrs,
        Trait(i) => &i.attrs,
        TraitAlias(i) => &i.attrs,
        Type(i) => &i.attrs,
        Union(i) => &i.attrs,
        Use(i) => &i.attrs,
        _ => &[],
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_file(&mut self, f: &'ast syn::File) {
        if f.attrs.iter().any(is_test_attr) {
            self.test = true;
            self.test_ranges.push((0, usize::MAX));
        }
        visit::visit_file(self, f);
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if let syn::Item::Verbatim(ts) = item {
            return self.walk_verbatim(ts, TokMode::Fallback, false, None);
        }
        self.with_test_attrs(item_attrs(item), item, |this| visit::visit_item(this, item));
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if let syn::ImplItem::Verbatim(ts) = item {
            let receiver = self.receivers.last().cloned().flatten();
            return self.walk_verbatim(ts, TokMode::Fallback, true, receiver);
        }
        let attrs = member_attrs!(item, ImplItem);
        self.with_test_attrs(attrs, item, |this| visit::visit_impl_item(this, item));
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        if let syn::TraitItem::Verbatim(ts) = item {
            let receiver = self.receivers.last().cloned().flatten();
            return self.walk_verbatim(ts, TokMode::Fallback, true, receiver);
        }
        let attrs = member_attrs!(item, TraitItem);
        self.with_test_attrs(attrs, item, |this| visit::visit_trait_item(this, item));
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let first = fn_start(&f.vis, None, &f.sig);
        let idx = self.open_function(
            &f.sig.ident,
            FnKind::Func,
            None,
            first,
            f.block.brace_token.span.close(),
        );
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.visit_visibility(&f.vis);
        self.in_function(idx, |this| {
            this.visit_signature(&f.sig);
            this.visit_block(&f.block);
        });
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let first = fn_start(&f.vis, f.defaultness.map(|d| d.span), &f.sig);
        let receiver = self.receivers.last().cloned().flatten();
        let idx = self.open_function(
            &f.sig.ident,
            FnKind::Method,
            receiver,
            first,
            f.block.brace_token.span.close(),
        );
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.in_function(idx, |this| {
            this.visit_signature(&f.sig);
            this.visit_block(&f.block);
        });
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        let first = fn_start(&Visibility::Inherited, None, &f.sig);
        let last = match (&f.default, &f.semi_token) {
            (Some(b), _) => b.brace_token.span.close(),
            (None, Some(s)) => s.span,
            (None, None) => f.sig.paren_token.span.close(),
        };
        let receiver = self.receivers.last().cloned().flatten();
        let idx = self.open_function(&f.sig.ident, FnKind::Method, receiver, first, last);
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.in_function(idx, |this| {
            this.visit_signature(&f.sig);
            if let Some(b) = &f.default {
                this.visit_block(b);
            }
        });
    }

    fn visit_foreign_item(&mut self, item: &'ast syn::ForeignItem) {
        match item {
            syn::ForeignItem::Verbatim(ts) => {
                self.walk_verbatim(ts, TokMode::Fallback, false, None)
            }
            _ => visit::visit_foreign_item(self, item),
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Verbatim(ts) => self.walk_verbatim(ts, TokMode::Macro, false, None),
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_type(&mut self, ty: &'ast Type) {
        match ty {
            Type::Verbatim(ts) => self.walk_verbatim(ts, TokMode::Macro, false, None),
            _ => visit::visit_type(self, ty),
        }
    }

    fn visit_pat(&mut self, p: &'ast syn::Pat) {
        match p {
            syn::Pat::Verbatim(ts) => self.walk_verbatim(ts, TokMode::Macro, false, None),
            _ => visit::visit_pat(self, p),
        }
    }

    fn visit_type_param_bound(&mut self, b: &'ast syn::TypeParamBound) {
        match b {
            syn::TypeParamBound::Verbatim(ts) => {
                self.walk_verbatim(ts, TokMode::Macro, false, None)
            }
            _ => visit::visit_type_param_bound(self, b),
        }
    }

    fn visit_foreign_item_fn(&mut self, f: &'ast syn::ForeignItemFn) {
        let first = fn_start(&f.vis, None, &f.sig);
        let idx = self.open_function(&f.sig.ident, FnKind::Func, None, first, f.semi_token.span);
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.in_function(idx, |this| this.visit_signature(&f.sig));
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        for a in &i.attrs {
            self.visit_attribute(a);
        }
        self.visit_generics(&i.generics);
        if let Some((_, path, _)) = &i.trait_ {
            self.visit_path(path);
        }
        self.visit_type(&i.self_ty);
        self.receivers.push(type_name(&i.self_ty));
        for item in &i.items {
            self.visit_impl_item(item);
        }
        self.receivers.pop();
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.record(&t.ident, OccKind::Type);
        for a in &t.attrs {
            self.visit_attribute(a);
        }
        self.visit_visibility(&t.vis);
        self.visit_generics(&t.generics);
        for b in &t.supertraits {
            self.visit_type_param_bound(b);
        }
        self.receivers.push(Some(unraw(&t.ident)));
        for item in &t.items {
            self.visit_trait_item(item);
        }
        self.receivers.pop();
    }

    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_struct(self, i);
    }

    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_enum(self, i);
    }

    fn visit_item_union(&mut self, i: &'ast syn::ItemUnion) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_union(self, i);
    }

    fn visit_item_type(&mut self, i: &'ast syn::ItemType) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_type(self, i);
    }

    fn visit_item_trait_alias(&mut self, i: &'ast syn::ItemTraitAlias) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_trait_alias(self, i);
    }

    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.record(&i.ident, OccKind::Const);
        visit::visit_item_const(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.record(&i.ident, OccKind::Var);
        visit::visit_item_static(self, i);
    }

    fn visit_impl_item_const(&mut self, i: &'ast syn::ImplItemConst) {
        self.record(&i.ident, OccKind::Const);
        visit::visit_impl_item_const(self, i);
    }

    fn visit_impl_item_type(&mut self, i: &'ast syn::ImplItemType) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_impl_item_type(self, i);
    }

    fn visit_trait_item_const(&mut self, i: &'ast syn::TraitItemConst) {
        self.record(&i.ident, OccKind::Const);
        visit::visit_trait_item_const(self, i);
    }

    fn visit_trait_item_type(&mut self, i: &'ast syn::TraitItemType) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_trait_item_type(self, i);
    }

    fn visit_foreign_item_static(&mut self, i: &'ast syn::ForeignItemStatic) {
        self.record(&i.ident, OccKind::Var);
        visit::visit_foreign_item_static(self, i);
    }

    fn visit_foreign_item_type(&mut self, i: &'ast syn::ForeignItemType) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_foreign_item_type(self, i);
    }

    fn visit_field(&mut self, f: &'ast syn::Field) {
        if let Some(id) = &f.ident {
            self.record(id, OccKind::Field);
        }
        visit::visit_field(self, f);
    }

    fn visit_variant(&mut self, v: &'ast syn::Variant) {
        self.record(&v.ident, OccKind::Variant);
        visit::visit_variant(self, v);
    }

    fn visit_type_param(&mut self, p: &'ast syn::TypeParam) {
        self.record(&p.ident, OccKind::Type);
        visit::visit_type_param(self, p);
    }

    fn visit_const_param(&mut self, p: &'ast syn::ConstParam) {
        self.record(&p.ident, OccKind::Const);
        visit::visit_const_param(self, p);
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        let name = unraw(&p.ident);
        // `None`, `MAX`, `Ready` in patterns are variants and constants, not bindings
        if name.starts_with(|c: char| c.is_uppercase()) {
            self.record(&p.ident, OccKind::Reference);
        } else {
            self.record(&p.ident, OccKind::Var);
            if let Some(f) = self.cur_fn() {
                self.locals[f].insert(name);
            }
        }
        visit::visit_pat_ident(self, p);
    }

    fn visit_field_pat(&mut self, p: &'ast syn::FieldPat) {
        if p.colon_token.is_none()
            && let syn::Member::Named(id) = &p.member
        {
            // `Status { skip_reason, .. }`: the name is the field's
            self.record(id, OccKind::Reference);
            if let Some(f) = self.cur_fn() {
                self.locals[f].insert(unraw(id));
            }
        }
        visit::visit_field_pat(self, p);
    }

    fn visit_stmt(&mut self, st: &'ast syn::Stmt) {
        // `#[cfg(test)]` on a statement makes it test code, as on an item
        let attrs: &[Attribute] = match st {
            syn::Stmt::Local(l) => &l.attrs,
            syn::Stmt::Macro(m) => &m.attrs,
            syn::Stmt::Expr(e, _) => expr_attrs(e),
            syn::Stmt::Item(_) => &[],
        };
        self.with_test_attrs(attrs, st, |this| visit::visit_stmt(this, st));
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        visit::visit_local(self, l);
        if let Some(init) = &l.init
            && let Some(p) = value_path(&init.expr)
        {
            self.record_value(p);
        }
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func
            && let Some(last) = p.path.segments.last()
        {
            self.record_call(&last.ident, path_qualifier(p), false);
        }
        for a in &c.args {
            if let Some(p) = value_path(a) {
                self.record_value(p);
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.record_call(&m.method, Some(render(&m.receiver, 0)), true);
        for a in &m.args {
            if let Some(p) = value_path(a) {
                self.record_value(p);
            }
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        if is_matches_macro(&m.path)
            && let Ok((e, pat, guard)) = m.parse_body_with(parse_matches_body)
        {
            self.visit_expr(&e);
            self.visit_pat(&pat);
            if let Some(g) = &guard {
                self.visit_expr(g);
            }
            return;
        }
        let parsed = m.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated);
        match parsed {
            Ok(exprs) => {
                if is_format_macro(&m.path) {
                    // `format!("{x}", x = y)`: `x` names an argument, not a variable
                    let named: HashSet<String> = exprs
                        .iter()
                        .filter_map(|e| match e {
                            Expr::Assign(a) => match &*a.left {
                                Expr::Path(p) => p.path.get_ident().map(unraw),
                                _ => None,
                            },
                            _ => None,
                        })
                        .collect();
                    for e in &exprs {
                        if let Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(lit),
                            ..
                        }) = e
                        {
                            self.record_format_args(lit, &named);
                        }
                    }
                }
                exprs.iter().for_each(|e| self.visit_expr(e))
            }
            Err(_) => {
                let d = m.delimiter.span();
                if is_format_macro(&m.path) {
                    let t = self.tokens();
                    let nodes = t.group_at(
                        self.base.byte(d.open().byte_range().start),
                        self.base.byte(d.close().byte_range().end),
                    );
                    self.record_format_nodes(&t, &nodes, self.cur_fn(), self.test);
                }
                self.walk_delimited(d.open(), d.close(), TokMode::Macro)
            }
        }
    }

    fn visit_attribute(&mut self, a: &'ast Attribute) {
        // a `///` comment is a `doc` attribute spanning the comment: dropped in `finish`
        self.visit_path(a.meta.path());
        match &a.meta {
            Meta::Path(_) => {}
            Meta::List(l) => {
                let d = l.delimiter.span();
                self.walk_delimited(d.open(), d.close(), TokMode::Attr)
            }
            Meta::NameValue(nv) => self.visit_expr(&nv.value),
        }
    }

    fn visit_lifetime(&mut self, _: &'ast syn::Lifetime) {}

    fn visit_ident(&mut self, i: &'ast Ident) {
        self.record(i, OccKind::Reference);
    }
}
