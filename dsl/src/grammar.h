// The .rules grammar (PEGTL 3.x). Keep docs/language.md in sync.
//
//   file        = { let | policy } ;
//   let         = "let" NAME "=" ( list | value ) ;
//   policy      = "policy" STRING "mode" ( "enforce" | "audit" )
//                 "{" { rule } "}" ;
//   rule        = [ LABEL ":" ] action NAME [ "when" expr ] [ STRING ] ;
//   action      = "allow" | "audit" | "deny" | "kill" ;
//   expr        = and_expr { "or" and_expr } ;
//   and_expr    = not_expr { "and" not_expr } ;
//   not_expr    = "not" not_expr | primary ;
//   primary     = "(" expr ")" | comparison ;
//   comparison  = field ( "==" one | "!=" one | "under" one_or_set
//                       | "startswith" one_or_set | "endswith" one_or_set
//                       | "matches" one_or_set
//                       | "<" bound | "<=" bound | ">" bound | ">=" bound
//                       | "in" set | "not" "in" set ) ;
//   one         = value | NAME ;      (NAME: a let of one value)
//   bound       = NUMBER | NAME ;     (NAME: a let of one number)
//   one_or_set  = STRING | set ;     (holds when it holds for any value)
//   set         = list | NAME ;
//   field       = NAME { "." NAME } ;              (no space around ".")
//   list        = "[" [ value { "," value } [ "," ] ] "]" ;
//   value       = STRING | NUMBER | RANGE ;
//   NAME        = ( letter | "_" ) { letter | digit | "_" } ;  (not a keyword)
//   LABEL       = ( letter | "_" ) { letter | digit | "_" | "-" } ;
//                 (no space before its ":"; not a keyword)
//   NUMBER      = digit { digit } ;   (decimal, at most 20 digits, at most
//                                      2^64-1, no leading 0 but 0 itself)
//   RANGE       = NUMBER ".." NUMBER ;  (no space around "..", first <= last)
//   STRING      = '"' { char | escape } '"' ;     (on one line)
//   escape      = '\' ( '"' | '\' | "n" | "t" | "x" hex hex ) ;
//   char        = any byte but '"', '\' and control bytes 0x00-0x1f ;
//
// A NUMBER or RANGE is one token: a letter, digit or '_' may not follow
// it (22abc, 0x16) and neither may a lone '.' (1.5, 10.0.0.1).
//
// Keywords are whole words (`notary` is a NAME): let policy mode enforce
// audit allow deny kill when and or not in under startswith endswith
// matches. Between tokens any
// whitespace (newlines too) and `#` comments to the end of the line.
//
// Errors: once a construct's first token has matched, the rest is must<>
// (or raise<>), so a mistake is reported where it is. Every must<>/raise<>
// target has a message in parse_errors.h; a static_assert checks it. The
// empty structs below (rule_expected, string_unterminated, ...) are never
// matched: they only name a raise<> so that error gets its own message.
// Checks on a number's value (too long, too large, a leading 0, an empty
// range) are made by its action (parse_actions.h) and name such a struct
// too, with its message in the same table.
#pragma once

#include <tao/pegtl.hpp>

namespace palisade::dsl::grammar {

using namespace tao::pegtl;
// The directive makes PEGTL's names visible as if global, where <signal.h>'s
// ::raise would clash with them; a declaration here takes precedence.
using tao::pegtl::raise;

// raise<Error> if the input is at Cond (without consuming it).
template <typename Cond, typename Error>
struct raise_at : seq<at<Cond>, raise<Error>> {};

// raise<Error> if the input is at Cond, else match nothing (and succeed).
template <typename Cond, typename Error>
struct raise_if : opt<raise_at<Cond, Error>> {};

// clang-format off

// ---- whitespace and comments (recorded for the formatter: parse_actions.h)
struct comment : seq<one<'#'>, until<eolf>> {};
struct ws : star<sor<space, comment>> {};

// ---- keywords and names
struct kw_let     : TAO_PEGTL_KEYWORD("let") {};
struct kw_policy  : TAO_PEGTL_KEYWORD("policy") {};
struct kw_mode    : TAO_PEGTL_KEYWORD("mode") {};
struct kw_enforce : TAO_PEGTL_KEYWORD("enforce") {};
struct kw_audit   : TAO_PEGTL_KEYWORD("audit") {};
struct kw_allow   : TAO_PEGTL_KEYWORD("allow") {};
struct kw_deny    : TAO_PEGTL_KEYWORD("deny") {};
struct kw_kill    : TAO_PEGTL_KEYWORD("kill") {};
struct kw_when    : TAO_PEGTL_KEYWORD("when") {};
struct kw_and     : TAO_PEGTL_KEYWORD("and") {};
struct kw_or      : TAO_PEGTL_KEYWORD("or") {};
struct kw_not     : TAO_PEGTL_KEYWORD("not") {};
struct kw_in      : TAO_PEGTL_KEYWORD("in") {};
struct kw_under   : TAO_PEGTL_KEYWORD("under") {};
struct kw_startswith : TAO_PEGTL_KEYWORD("startswith") {};
struct kw_endswith : TAO_PEGTL_KEYWORD("endswith") {};
struct kw_matches : TAO_PEGTL_KEYWORD("matches") {};

struct keyword : sor<kw_let, kw_policy, kw_mode, kw_enforce, kw_audit, kw_allow,
                     kw_deny, kw_kill, kw_when, kw_and, kw_or, kw_not, kw_in,
                     kw_under, kw_startswith, kw_endswith, kw_matches> {};
struct name : seq<not_at<keyword>, identifier> {};

// ---- strings
struct string_unterminated {};  // raise<> target: end of line inside a string
struct string_bad_char {};      // raise<> target: a raw control byte
struct control_byte : range<'\x00', '\x1f'> {};
struct hex_byte : seq<xdigit, xdigit> {};
struct escape_code : sor<one<'"', '\\', 'n', 't'>, seq<one<'x'>, must<hex_byte>>> {};
struct escape_seq : seq<one<'\\'>, must<escape_code>> {};
struct plain_char : seq<not_at<control_byte>, not_one<'"', '\\'>> {};
struct string_part : sor<escape_seq, plain_char,
                         raise_at<eolf, string_unterminated>,
                         raise<string_bad_char>> {};
struct string_open : one<'"'> {};
struct string_lit : seq<string_open, until<one<'"'>, string_part>> {};

// ---- numbers and ranges: 22, 6000..6063
struct number_too_long {};     // raised by the action: more than 20 digits
struct number_too_large {};    // raised by the action: above 2^64-1
struct number_leading_zero {}; // raised by the action: 022
struct range_empty {};         // raised by the action: 9..1
struct number_dot {};          // raise<> target: 1.5, 10.0.0.1
struct range_chained {};       // raise<> target: 1..2..3
struct range_dots : string<'.', '.'> {};
struct single_dot : seq<one<'.'>, not_at<one<'.'>>> {};
// must<> target: a number is a token of its own (22abc, 0x16).
struct number_end : not_at<identifier_other> {};
struct number : seq<plus<digit>, must<number_end>,
                    raise_if<single_dot, number_dot>> {};
struct range_last : seq<number> {};
struct number_value : seq<number, opt<range_dots, must<range_last>>,
                          raise_if<range_dots, range_chained>> {};

// ---- values and lists: [ "a", 22, 1..9, ]
struct value : sor<string_lit, number_value> {};
struct list_open : one<'['> {};
struct list_close : one<']'> {};
struct list_item : seq<value> {};
struct list_sep : sor<one<','>, at<list_close>> {};
// A list of values (of any kinds; the name predates numbers).
struct string_list : seq<list_open, ws,
                         until<list_close, must<list_item>, ws, must<list_sep>, ws>> {};

// ---- let NAME = list | value
struct let_name : name {};
struct let_equals : one<'='> {};
struct let_value : sor<string_list, value> {};
struct let_decl : seq<kw_let, ws, must<let_name>, ws, must<let_equals>, ws,
                      must<let_value>> {};

// ---- conditions
struct expr;

struct field_part : name {};
struct field : seq<name, star<one<'.'>, must<field_part>>> {};

struct op_eq : string<'=', '='> {};
struct op_ne : string<'!', '='> {};
struct op_under : seq<kw_under> {};
struct op_startswith : seq<kw_startswith> {};
struct op_endswith : seq<kw_endswith> {};
struct op_matches : seq<kw_matches> {};
struct op_in : seq<kw_in> {};
struct in_after_not : seq<kw_in> {};
struct op_not_in : seq<kw_not, ws, must<in_after_not>> {};
struct op_le : string<'<', '='> {};
struct op_lt : one<'<'> {};
struct op_ge : string<'>', '='> {};
struct op_gt : one<'>'> {};
struct op_order : sor<op_le, op_lt, op_ge, op_gt> {};

struct set_ref : name {};
// A one-value `let` (let tmp = "/tmp") stands for its value after ==, !=
// and the ordering operators; the engine refuses a list there.
struct eq_value : sor<value, set_ref> {};
struct ne_value : sor<value, set_ref> {};
struct in_value : sor<string_list, set_ref> {};
// A list after under or a pattern operator: its own rule, so the parser
// notes it was written as [..] (the formatter prints it back so).
struct any_of_list : seq<string_list> {};
// What under, startswith, endswith and matches compare with: one string,
// or a list or set of them (the comparison holds if it holds for any).
struct one_or_set : sor<string_lit, any_of_list, set_ref> {};
struct under_value : seq<one_or_set> {};
// The value(s) after startswith, endswith or matches.
struct pattern_value : seq<one_or_set> {};
struct bound_range {}; // raise<> target: port < 1..9
struct bound_number : seq<number, raise_if<range_dots, bound_range>> {};
struct bound_value : sor<bound_number, set_ref> {};

struct compare_eq : seq<op_eq, ws, must<eq_value>> {};
struct compare_ne : seq<op_ne, ws, must<ne_value>> {};
struct compare_under : seq<op_under, ws, must<under_value>> {};
struct op_pattern : sor<op_startswith, op_endswith, op_matches> {};
struct compare_pattern : seq<op_pattern, ws, must<pattern_value>> {};
struct compare_in : seq<op_in, ws, must<in_value>> {};
struct compare_not_in : seq<op_not_in, ws, must<in_value>> {};
struct compare_order : seq<op_order, ws, must<bound_value>> {};
struct compare_op : sor<compare_eq, compare_ne, compare_under, compare_pattern,
                        compare_in,
                        compare_not_in, compare_order> {};
struct comparison : seq<field, ws, must<compare_op>> {};

struct paren_open : one<'('> {};
struct paren_inner : seq<expr> {};
struct paren_close : one<')'> {};
struct paren_expr : seq<paren_open, ws, must<paren_inner>, ws, must<paren_close>> {};
struct primary : sor<paren_expr, comparison> {};

struct not_expr;
struct not_operand : seq<not_expr> {};
struct negation : seq<kw_not, ws, must<not_operand>> {};
struct not_expr : sor<negation, primary> {};

struct and_rhs : seq<not_expr> {};
struct and_expr : seq<not_expr, star<ws, kw_and, ws, must<and_rhs>>> {};
struct or_rhs : seq<and_expr> {};
struct or_expr : seq<and_expr, star<ws, kw_or, ws, must<or_rhs>>> {};
struct expr : seq<or_expr> {};

// ---- rule: [LABEL:] action EVENT [when expr] [STRING]
struct label_action {}; // raise<> target: `no_nc:` with no action after it
// Not a keyword: `when:` after a rule would read as its `when` clause.
struct label_name : seq<not_at<keyword, one<':'>>, identifier_first,
                        star<sor<identifier_other, one<'-'>>>> {};
// Only a word glued to a ':' is a label; ':' appears nowhere else.
struct rule_label : seq<label_name, one<':'>> {};
struct action_allow : seq<kw_allow> {};
struct action_audit : seq<kw_audit> {};
struct action_deny : seq<kw_deny> {};
struct action_kill : seq<kw_kill> {};
struct rule_action : sor<action_allow, action_audit, action_deny, action_kill> {};
struct event_name : name {};
struct condition : seq<expr> {};
struct when_clause : seq<kw_when, ws, must<condition>> {};
struct rule_message : seq<string_lit> {};
struct policy_close : one<'}'> {};
// After a rule comes the next rule, the policy's '}' (or, wrongly, the end).
struct rule_end : at<ws, sor<policy_close, rule_label, rule_action, eof>> {};
struct labelled_action : seq<rule_label, ws,
                             sor<rule_action, raise<label_action>>> {};
struct rule_start : sor<labelled_action, rule_action> {};
struct rule : seq<rule_start, ws, must<event_name>, opt<ws, when_clause>,
                  opt<ws, rule_message>, must<rule_end>> {};

// ---- policy "name" mode enforce|audit { rules }
struct policy_unclosed {};  // raise<> target: end of input inside { }
struct rule_expected {};    // raise<> target: neither a rule nor '}'
struct policy_name : seq<string_lit> {};
struct policy_mode_kw : seq<kw_mode> {};
struct mode_enforce : seq<kw_enforce> {};
struct mode_audit : seq<kw_audit> {};
struct mode_value : sor<mode_enforce, mode_audit> {};
struct policy_open : one<'{'> {};
struct policy_item : sor<rule, raise_at<eof, policy_unclosed>,
                         raise<rule_expected>> {};
struct policy_decl : seq<kw_policy, ws, must<policy_name>, ws, must<policy_mode_kw>,
                         ws, must<mode_value>, ws, must<policy_open>, ws,
                         until<policy_close, policy_item, ws>> {};

// ---- file
struct rule_outside_policy {};  // raise<> target: a rule at the top level
struct top_item_expected {};    // raise<> target: neither let nor policy
struct top_item : sor<let_decl, policy_decl,
                      raise_at<sor<rule_label, rule_action>,
                               rule_outside_policy>,
                      raise<top_item_expected>> {};
struct file : seq<ws, until<eof, top_item, ws>> {};

// Where parsing resumes after a syntax error (recovery.h): the rules of
// the policy the error was in, up to its '}', then the rest of the file.
struct policy_rest : seq<until<policy_close, policy_item, ws>, ws,
                         until<eof, top_item, ws>> {};

// clang-format on

} // namespace palisade::dsl::grammar
