//! Which occurrence kind an identifier is, from its place in the tree-sitter-go tree.

use tree_sitter::Node;

use super::Anc;
use crate::lang::OccKind;

/// The occurrence kind of an identifier from its place in the tree; `None` for names that
/// are not occurrences (labels).
pub(super) fn classify(node: Node, field: Option<&str>, anc: &[Anc]) -> Option<OccKind> {
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
        ("call_expression" | "parenthesized_expression", _) if is_callee(field, anc) => {
            OccKind::Call
        }
        ("selector_expression", Some("field")) if selector_is_callee(anc) => OccKind::Call,
        ("generic_type", Some("type")) if generic_is_call(anc) => OccKind::Call,
        ("qualified_type", Some("name")) if qualified_generic_is_call(anc) => OccKind::Call,
        ("index_expression", Some("operand")) if index_is_callee(anc) => OccKind::Call,
        ("labeled_statement" | "break_statement" | "continue_statement" | "goto_statement", _) => {
            return None;
        }
        ("type_elem", _) if node.kind() == "type_identifier" && is_receiver_type_param(anc) => {
            OccKind::Type
        }
        _ if node.kind() == "type_identifier" && is_embedded_field(field, anc) => OccKind::Field,
        _ => OccKind::Reference,
    })
}

/// Whether the node below `anc`, filling `field` in its parent, is the function of a call:
/// `f()`, or in parentheses at any depth, `((f))()` (the ancestors are walked, not recursed).
fn is_callee(field: Option<&str>, anc: &[Anc]) -> bool {
    let mut field = field;
    let mut i = anc.len();
    while i > 0 && anc[i - 1].node.kind() == "parenthesized_expression" {
        field = anc[i - 1].field;
        i -= 1;
    }
    i > 0 && field == Some("function") && anc[i - 1].node.kind() == "call_expression"
}

/// `a, b := ...`, `for k, v := range m`, `case v, ok := <-ch:` and `switch x := v.(type)`:
/// the left-hand names are declarations.
fn is_declaring_list(anc: &[Anc]) -> bool {
    let [.., gp, list] = anc else { return false };
    match (gp.node.kind(), list.field) {
        ("type_switch_statement", Some("alias")) => true,
        (_, Some("left")) => match gp.node.kind() {
            "short_var_declaration" => true,
            "range_clause" | "receive_statement" => {
                let mut c = gp.node.walk();
                gp.node.children(&mut c).any(|ch| ch.kind() == ":=")
            }
            _ => false,
        },
        _ => false,
    }
}

/// `T` in the receiver `(s *Set[T])`: the method's own type parameter, declared there.
fn is_receiver_type_param(anc: &[Anc]) -> bool {
    // [..., method_declaration, parameter_list(receiver), parameter_declaration,
    //  (pointer_type | parenthesized_type)*, generic_type, type_arguments, type_elem]
    let [rest @ .., generic, args, _elem] = anc else {
        return false;
    };
    if generic.node.kind() != "generic_type" || args.field != Some("type_arguments") {
        return false;
    }
    let mut i = rest.len();
    let mut via = generic.field;
    while i > 0
        && matches!(
            rest[i - 1].node.kind(),
            "pointer_type" | "parenthesized_type"
        )
    {
        via = rest[i - 1].field;
        i -= 1;
    }
    i >= 3
        && via == Some("type")
        && rest[i - 1].node.kind() == "parameter_declaration"
        && rest[i - 2].field == Some("receiver")
        && rest[i - 3].node.kind() == "method_declaration"
}

/// `x.f()`, `(x.f)()`, `x.f[T]()`.
fn selector_is_callee(anc: &[Anc]) -> bool {
    let [rest @ .., sel] = anc else { return false };
    if is_callee(sel.field, rest) {
        return true;
    }
    matches!(rest, [outer @ .., idx] if sel.field == Some("operand")
        && idx.node.kind() == "index_expression" && is_callee(idx.field, outer))
}

/// `f[T]()`.
fn index_is_callee(anc: &[Anc]) -> bool {
    matches!(anc, [rest @ .., idx] if is_callee(idx.field, rest))
}

fn generic_is_call(anc: &[Anc]) -> bool {
    matches!(anc, [.., conv, g] if g.field == Some("type") && conv.node.kind() == "type_conversion_expression")
}

fn qualified_generic_is_call(anc: &[Anc]) -> bool {
    matches!(anc, [.., conv, g, q] if q.field == Some("type") && g.field == Some("type")
        && g.node.kind() == "generic_type" && conv.node.kind() == "type_conversion_expression")
}

/// A type name that is the whole type of a field declaration without names (`Embedded`,
/// `*pkg.Embedded`, `Result[T]`, `*pkg.Client[T]`; not the type arguments).
fn is_embedded_field(field: Option<&str>, anc: &[Anc]) -> bool {
    for (i, a) in anc.iter().enumerate().rev() {
        // the field by which the path leaves this ancestor
        let child_field = anc.get(i + 1).map_or(field, |c| c.field);
        match a.node.kind() {
            "pointer_type" => continue,
            // only the type name, not the package: checked by the caller's node kind
            "qualified_type" if child_field == Some("name") => continue,
            "generic_type" if child_field == Some("type") => continue,
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
