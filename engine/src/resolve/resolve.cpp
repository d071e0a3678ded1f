// Pass 1: resolve every name against the catalog and the `let`s, check and
// canonicalise values, number policies and rules.
#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>
#include <unordered_map>

#include "catalog/field_catalog.h"
#include "catalog/suggest.h"
#include "location_text.h"
#include "lower/value_keys.h"
#include "passes.h"
#include "resolve/access.h"
#include "resolve/glob.h"
#include "resolve/paths.h"

namespace palisade::engine {
namespace {

// Cuts a `# comment` off a line of rule text; a '#' inside a string (which
// never spans lines) is not one.
std::string_view strip_comment(std::string_view line) {
  if (line.find('#') == std::string_view::npos)
    return line; // the usual line: nothing to scan for
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (in_string && line[i] == '\\')
      ++i; // skip the escaped byte
    else if (line[i] == '"')
      in_string = !in_string;
    else if (!in_string && line[i] == '#')
      return line.substr(0, i);
  }
  return line;
}

// The rule's text, trimmed, comments dropped, every line break (with the
// indentation around it) collapsed into one space, so events can quote the
// rule on one line.
std::string span_text(const dsl::SourceLocation &loc) {
  if (!loc.file || loc.line == 0)
    return {};
  uint32_t last = std::max(loc.end_line, loc.line);
  std::string out;
  for (uint32_t l = loc.line; l <= last; ++l) {
    std::string_view text = loc.file->line_text(l);
    size_t from = l == loc.line && loc.column > 0 ? loc.column - 1 : 0;
    size_t to = text.size();
    if (l == last && loc.end_column > 0)
      to = std::min<size_t>(to, loc.end_column - 1);
    if (from > to)
      from = to;
    std::string_view piece = strip_comment(text.substr(from, to - from));
    auto space = [](char c) {
      return std::isspace(static_cast<unsigned char>(c));
    };
    while (!piece.empty() && space(piece.front()))
      piece.remove_prefix(1);
    while (!piece.empty() && space(piece.back()))
      piece.remove_suffix(1);
    if (piece.empty())
      continue;
    if (!out.empty())
      out += ' ';
    out += piece;
  }
  return out;
}

class Resolver {
public:
  explicit Resolver(dsl::Diagnostics &diags) : diags_(diags) {}

  std::optional<Resolved> run(const std::vector<dsl::PolicyFile> &files) {
    size_t errors_before = diags_.error_count();
    Resolved out;
    size_t n_rules = 0;
    for (const auto &file : files)
      for (const auto &policy : file.policies)
        n_rules += policy.rules.size();
    out.rules.reserve(n_rules); // no regrowth over 100k rules
    out.rule_info.reserve(n_rules);
    std::map<std::string, const dsl::Policy *> policy_names;
    for (const auto &file : files) {
      // Sets belong to their file: files dropped into policies.d must not
      // collide over a helper name. Policy names are global (events name
      // them).
      collect_lets(file);
      for (const auto &policy : file.policies) {
        auto [it, fresh] = policy_names.emplace(policy.name, &policy);
        if (!fresh)
          diags_
              .error(policy.name_loc,
                     "policy '" + policy.name + "' is already defined")
              .hints.push_back("first defined at " +
                               where(it->second->name_loc));
        uint32_t index = static_cast<uint32_t>(out.policies.size());
        out.policies.push_back(
            {PolicyInfo{policy.name, policy.mode, index, policy.loc},
             policy.name_loc});
        check_labels(policy);
        for (const auto &rule : policy.rules)
          resolve_rule(rule, index, out);
      }
    }
    if (diags_.error_count() != errors_before)
      return std::nullopt;
    return out;
  }

private:
  void collect_lets(const dsl::PolicyFile &file) {
    lets_.clear();
    let_names_.clear();
    lets_begin_ = file.lets.data();
    set_values_.assign(file.lets.size() * kFieldTypes, SetValues{});
    for (const auto &let : file.lets) {
      auto [it, fresh] = lets_.emplace(let.name, &let);
      if (!fresh)
        diags_.error(let.name_loc, "set '" + let.name + "' is already defined")
            .hints.push_back("first defined at " + where(it->second->name_loc));
      else
        let_names_.push_back(let.name);
    }
  }

  // A label names one rule of its policy; other policies may reuse it.
  void check_labels(const dsl::Policy &policy) {
    std::map<std::string, const dsl::RuleLabel *> seen;
    for (const auto &rule : policy.rules) {
      if (!rule.label)
        continue;
      auto [it, fresh] = seen.emplace(rule.label->name, &*rule.label);
      if (!fresh)
        diags_
            .error(rule.label->loc, "label '" + rule.label->name +
                                        "' is already used in policy '" +
                                        policy.name + "'")
            .hints.push_back("first used at " + where(it->second->loc) +
                             "; labels are unique within a policy");
    }
  }

  void resolve_rule(const dsl::Rule &rule, uint32_t policy_index,
                    Resolved &out) {
    uint32_t rule_id = static_cast<uint32_t>(out.rules.size());
    const EventSpec *event = find_event(rule.event);
    if (!event) {
      auto &d =
          diags_.error(rule.event_loc, "unknown event '" + rule.event + "'");
      if (auto guess = closest_name(rule.event, event_names()))
        d.hints.push_back("did you mean '" + *guess + "'?");
      else
        d.hints.push_back("known events: " + join_names(event_names()));
    }
    ResolvedRule r;
    r.rule_id = rule_id;
    r.policy_index = policy_index;
    r.action = rule.action;
    r.event = event ? event->abi_id : 0;
    r.loc = rule.loc;
    r.cond_loc = rule.condition ? rule.condition->loc : rule.loc;
    if (rule.condition) {
      if (auto c = resolve_expr(*rule.condition, event))
        r.condition = std::move(*c);
    }
    out.rules.push_back(std::move(r));

    RuleInfo info;
    info.rule_id = rule_id;
    info.policy_index = policy_index;
    info.action = rule.action;
    info.event = rule.event;
    info.message = rule.message ? rule.message->value : "";
    info.label = rule.label ? rule.label->name : "";
    info.loc = rule.loc;
    info.source_text = span_text(rule.loc);
    out.rule_info.push_back(std::move(info));
  }

  // Resolves every child even after a failure, to report all errors.
  std::optional<Cond> resolve_expr(const dsl::Expr &e, const EventSpec *event) {
    if (e.kind == dsl::Expr::Kind::Compare)
      return resolve_compare(e, event);
    Cond c;
    c.kind = e.kind == dsl::Expr::Kind::And  ? Cond::Kind::And
             : e.kind == dsl::Expr::Kind::Or ? Cond::Kind::Or
                                             : Cond::Kind::Not;
    bool ok = true;
    c.children.reserve(e.children().size());
    for (const auto &child : e.children()) {
      auto r = child ? resolve_expr(*child, event) : std::nullopt;
      if (r)
        c.children.push_back(std::move(*r));
      else
        ok = false;
    }
    if (!ok)
      return std::nullopt;
    return c;
  }

  const FieldSpec *resolve_field(const dsl::Comparison &cmp,
                                 const EventSpec *event) {
    const FieldSpec *field = find_field(cmp.field);
    if (field && (!event || field_in_event(*field, *event)))
      return field;
    std::vector<std::string> names;
    if (event) {
      names = field_names(*event);
    } else {
      for (const auto &f : field_catalog())
        names.emplace_back(f.name);
    }
    // "an 'exec' rule", "a 'connect' rule"
    std::string article = event && std::string_view("aeiou").find(
                                       event->name[0]) != std::string_view::npos
                              ? "an '"
                              : "a '";
    std::string in_rule =
        event ? " in " + article + std::string(event->name) + "' rule" : "";
    std::string listed =
        event ? "fields of " + article + std::string(event->name) + "' rule: "
              : "known fields: ";
    if (field) {
      // Say where the field does exist: `target` on an open is most likely
      // a rule written for the wrong event.
      std::string only;
      for (const auto &e : event_names(*field))
        only += (only.empty() ? "" : ", ") + ("'" + e + "'");
      diags_
          .error(cmp.field_loc, "field '" + cmp.field + "' is not available" +
                                    in_rule + ", only in " + only + " rules")
          .hints.push_back(listed + join_names(names));
      return nullptr;
    }
    auto &d = diags_.error(cmp.field_loc,
                           "unknown field '" + cmp.field + "'" + in_rule);
    if (auto guess = closest_name(cmp.field, names))
      d.hints.push_back("did you mean '" + *guess + "'?");
    else
      d.hints.push_back(listed + join_names(names));
    return nullptr;
  }

  // The literals a comparison tests: inline, or those of the `let` it
  // names (then `*let` is set).
  const std::vector<dsl::StringLit> *literals_of(const dsl::Comparison &cmp,
                                                 const dsl::Let **let) {
    if (!cmp.set_name)
      return &cmp.values;
    auto it = lets_.find(*cmp.set_name);
    if (it != lets_.end()) {
      *let = it->second;
      return &it->second->values;
    }
    auto &d = diags_.error(cmp.set_loc, "unknown set '" + *cmp.set_name + "'");
    const bool ordering =
        cmp.op == dsl::CompareOp::Lt || cmp.op == dsl::CompareOp::Le ||
        cmp.op == dsl::CompareOp::Gt || cmp.op == dsl::CompareOp::Ge;
    if (auto guess = closest_name(*cmp.set_name, let_names_))
      d.hints.push_back("did you mean '" + *guess + "'?");
    else if (ordering) // uid > root: names are not looked up
      d.hints.push_back(std::string("'") + dsl::keyword(cmp.op) +
                        "' compares with a number, e.g. " + cmp.field + " " +
                        dsl::keyword(cmp.op) + " 1000, or a let of one: let " +
                        *cmp.set_name + " = 1000");
    else if (cmp.op == dsl::CompareOp::Eq || cmp.op == dsl::CompareOp::Ne)
      d.hints.push_back("write the value in quotes, or define it: let " +
                        *cmp.set_name + " = \"...\"");
    else
      d.hints.push_back("define it with: let " + *cmp.set_name + " = [...]");
    return nullptr;
  }

  // After ==, != and the ordering operators a `let` stands for its one
  // value (`let tmp = "/tmp"`); a list there is an error that says which
  // operator takes lists.
  bool one_value_let(const dsl::Comparison &cmp, const dsl::Let &let) {
    const bool equality =
        cmp.op == dsl::CompareOp::Eq || cmp.op == dsl::CompareOp::Ne;
    const bool ordering =
        cmp.op == dsl::CompareOp::Lt || cmp.op == dsl::CompareOp::Le ||
        cmp.op == dsl::CompareOp::Gt || cmp.op == dsl::CompareOp::Ge;
    if ((!equality && !ordering) || !let.list)
      return true;
    auto &d = diags_.error(cmp.set_loc, "'" + let.name + "' is a list: '" +
                                            dsl::keyword(cmp.op) +
                                            "' compares with one value");
    if (equality)
      d.hints.push_back(std::string("write: ") + cmp.field +
                        (cmp.op == dsl::CompareOp::Eq ? " in " : " not in ") +
                        let.name);
    else
      d.hints.push_back("define it as one number: let " + let.name + " = 1024");
    return false;
  }

  // Each literal checked by `check` (which reports a bad one), sorted and
  // unique; nullopt when one was bad. Every literal is checked, so each
  // bad one is reported.
  template <typename Check>
  static std::optional<std::vector<std::string>>
  checked_values(const std::vector<dsl::StringLit> &lits, Check &&check) {
    std::vector<std::string> values;
    values.reserve(lits.size());
    bool ok = true;
    for (const auto &lit : lits) {
      if (auto v = check(lit))
        values.push_back(std::move(*v));
      else
        ok = false;
    }
    if (!ok)
      return std::nullopt;
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
  }

  // Canonical, sorted, unique values. A `let` is checked once per type, so
  // a bad value in a set used by ten rules is reported once.
  std::optional<ValueList> check_values(const dsl::Let *let,
                                        const std::vector<dsl::StringLit> &lits,
                                        const FieldSpec &field) {
    std::optional<ValueList> *cached = nullptr;
    if (let) {
      SetValues &set =
          set_values_[static_cast<size_t>(let - lets_begin_) * kFieldTypes +
                      static_cast<size_t>(field.type)];
      if (set.checked)
        return set.values; // shares the list: no string is copied
      set.checked = true;
      cached = &set.values;
    }
    // `path == "/x"`: a string literal many rules repeat is checked once.
    // Only good values are remembered, so a bad one is reported at each
    // place it is written.
    const bool single =
        !let && lits.size() == 1 && lits[0].kind == dsl::ValueKind::String;
    const LiteralKey key{field.abi_id, single ? std::string_view(lits[0].value)
                                              : std::string_view()};
    if (single)
      if (auto it = literal_values_.find(key); it != literal_values_.end())
        return it->second;
    auto values = checked_values(lits, [&](const dsl::StringLit &lit) {
      return check_value(lit, field);
    });
    std::optional<ValueList> result;
    if (values)
      result = shared_list(std::move(*values));
    if (cached)
      *cached = result;
    if (single && result)
      literal_values_.emplace(key, *result);
    return result;
  }

  // The one list of this content (made on first use).
  ValueList shared_list(std::vector<std::string> values) {
    const size_t hash = ValueList::hash_of(values);
    auto [from, to] = lists_.equal_range(hash);
    for (auto it = from; it != to; ++it)
      if (it->second == values)
        return it->second;
    return lists_.emplace(hash, ValueList(std::move(values)))->second;
  }

  // One literal of `field`, canonical, or nullopt after one error at it.
  std::optional<std::string> check_value(const dsl::StringLit &lit,
                                         const FieldSpec &field) {
    const std::string name(field.name);
    const bool number = lit.kind != dsl::ValueKind::String;
    if (field.type == FieldType::Port || field.type == FieldType::Id) {
      const std::string noun = number_noun(field.abi_id);
      const std::string max = std::to_string(number_max(field.abi_id));
      if (!number) {
        auto &d = diags_.error(lit.loc, "'" + name +
                                            "' compares with numbers, not "
                                            "strings");
        bool digits =
            !lit.value.empty() &&
            lit.value.find_first_not_of("0123456789") == std::string::npos;
        d.hints.push_back(
            digits ? "write " + noun + " numbers without quotes: " + name +
                         " == " + lit.value
                   : noun + "s are numbers 0.." + max + ", e.g. " +
                         (field.type == FieldType::Port
                              ? name + " == 443 or " + name +
                                    " in [80, 8000..8099]"
                              : name + " == 1000 or " + name +
                                    " in [0, 1000..1999]"));
        return std::nullopt;
      }
      return parsed(lit, parse_number_range(field.abi_id, lit.lo, lit.hi));
    }
    if (number) {
      auto &d = diags_.error(lit.loc, "'" + name +
                                          "' compares with strings, not "
                                          "numbers");
      switch (field.type) {
      case FieldType::Path:
        d.hints.push_back("write a path in quotes: " + name +
                          " == \"/usr/bin/nc\"");
        break;
      case FieldType::Access:
        d.hints.push_back("access values: " + join_names(all_access_names()));
        break;
      case FieldType::Address:
        d.hints.push_back("write an address or CIDR in quotes: " + name +
                          " == \"10.0.0.0/8\"");
        break;
      case FieldType::Protocol:
        d.hints.push_back("write " + name + " == \"tcp\" or " + name +
                          " == \"udp\"");
        break;
      case FieldType::Family:
        d.hints.push_back("write " + name + " == \"ipv4\" or " + name +
                          " == \"ipv6\"");
        break;
      case FieldType::Port:
      case FieldType::Id:
        break;
      }
      return std::nullopt;
    }
    switch (field.type) {
    case FieldType::Path:
      return check_path(lit, diags_);
    case FieldType::Access:
      return check_access(lit, diags_);
    case FieldType::Address:
      return parsed(lit, parse_address(lit.value));
    case FieldType::Protocol:
      return named(lit, parse_protocol(lit.value), {"tcp", "udp"});
    case FieldType::Family:
      return named(lit, parse_family(lit.value), {"ipv4", "ipv6"});
    case FieldType::Port:
    case FieldType::Id:
      break;
    }
    return std::nullopt;
  }

  std::optional<std::string> parsed(const dsl::StringLit &lit, ParsedValue v) {
    if (v.error.empty())
      return std::move(v.canonical);
    auto &d = diags_.error(lit.loc, v.error);
    if (!v.hint.empty())
      d.hints.push_back(v.hint);
    return std::nullopt;
  }

  // A name from a short list: did-you-mean before the list.
  std::optional<std::string> named(const dsl::StringLit &lit, ParsedValue v,
                                   const std::vector<std::string> &names) {
    if (v.error.empty())
      return std::move(v.canonical);
    auto &d = diags_.error(lit.loc, v.error);
    std::string lower = lit.value;
    for (char &c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto guess = std::find(names.begin(), names.end(), lower) != names.end()
                     ? std::optional<std::string>(lower)
                     : closest_name(lit.value, names);
    if (guess)
      d.hints.push_back("did you mean '" + *guess + "'?");
    else
      d.hints.push_back(v.hint);
    return std::nullopt;
  }

  // `port < n` and friends (and uid's ...): the range of values it holds
  // for, canonical, or nullopt after an error.
  std::optional<std::string> ordering_range(const dsl::Comparison &cmp,
                                            const dsl::StringLit &lit,
                                            uint8_t field) {
    const uint64_t n = lit.lo, max = number_max(field);
    if (n > max)
      return parsed(lit, parse_number_range(field, n, n));
    uint64_t lo = 0, hi = max;
    bool never = false;
    switch (cmp.op) {
    case dsl::CompareOp::Lt:
      never = n == 0;
      hi = n - 1;
      break;
    case dsl::CompareOp::Le:
      hi = n;
      break;
    case dsl::CompareOp::Gt:
      never = n == max;
      lo = n + 1;
      break;
    case dsl::CompareOp::Ge:
      lo = n;
      break;
    default:
      break;
    }
    if (never) {
      diags_
          .error(lit.loc, "'" + cmp.field + " " + dsl::keyword(cmp.op) + " " +
                              lit.value + "' never holds")
          .hints.push_back(std::string(number_noun(field)) + "s are 0.." +
                           std::to_string(max));
      return std::nullopt;
    }
    return parse_number_range(field, lo, hi).canonical;
  }

  // The checked values of a startswith/endswith/matches, sorted and
  // unique, or nullopt after an error at each bad one. A set's are checked
  // once per operator, so a bad pattern in it is reported once.
  std::optional<std::vector<std::string>>
  check_patterns(dsl::CompareOp op, const dsl::Let *let,
                 const std::vector<dsl::StringLit> &lits,
                 const FieldSpec &field) {
    const std::pair<const dsl::Let *, dsl::CompareOp> key{let, op};
    if (let)
      if (auto it = pattern_sets_.find(key); it != pattern_sets_.end())
        return it->second;
    // A number from a set: check_value reports it as `path == 22` would.
    auto result = checked_values(lits, [&](const dsl::StringLit &lit) {
      return lit.kind == dsl::ValueKind::String ? check_pattern(op, lit, diags_)
                                                : check_value(lit, field);
    });
    if (let)
      pattern_sets_.emplace(key, result);
    return result;
  }

  // startswith/endswith/matches with one value or several (any of them).
  // A Prefix atom holds several prefixes; Suffix and Glob atoms hold one
  // (the kernel runs one matcher per atom), so several become an Or.
  std::optional<Cond> pattern_cond(const dsl::Expr &e, const FieldSpec &field,
                                   const dsl::Let *let,
                                   const std::vector<dsl::StringLit> &lits) {
    const dsl::CompareOp op = e.cmp().op;
    auto values = check_patterns(op, let, lits, field);
    if (!values)
      return std::nullopt;
    Cond c;
    if (values->empty()) {
      diags_.warning(e.loc, "empty list never matches");
      c.kind = Cond::Kind::False;
      return c;
    }
    const MatchKind kind = op == dsl::CompareOp::StartsWith ? MatchKind::Prefix
                           : op == dsl::CompareOp::EndsWith ? MatchKind::Suffix
                                                            : MatchKind::Glob;
    auto match = [&](std::vector<std::string> vs) {
      Cond m;
      m.kind = Cond::Kind::Match;
      m.match.field = field.abi_id;
      m.match.kind = kind;
      m.match.values = shared_list(std::move(vs));
      m.match.loc = e.loc;
      return m;
    };
    if (kind == MatchKind::Prefix || values->size() == 1)
      return match(std::move(*values));
    c.kind = Cond::Kind::Or;
    c.children.reserve(values->size());
    for (auto &v : *values)
      c.children.push_back(match({std::move(v)}));
    return c;
  }

  std::optional<Cond> resolve_compare(const dsl::Expr &e,
                                      const EventSpec *event) {
    const dsl::Comparison &cmp = e.cmp();
    const FieldSpec *field = resolve_field(cmp, event);
    const dsl::Let *let = nullptr;
    const std::vector<dsl::StringLit> *lits = literals_of(cmp, &let);
    if (!field || !lits)
      return std::nullopt;
    if (let && !one_value_let(cmp, *let))
      return std::nullopt;
    if (field->type == FieldType::Access && cmp.op == dsl::CompareOp::Under) {
      diags_.error(cmp.op_loc, "'under' does not apply to '" + cmp.field + "'")
          .hints.push_back("'" + cmp.field +
                           "' is a set of intents, not a path: write " +
                           cmp.field + " == \"write\" or " + cmp.field +
                           " in [\"write\", \"truncate\"]");
      return std::nullopt;
    }
    if (field->type != FieldType::Access && !is_path_type(field->type) &&
        cmp.op == dsl::CompareOp::Under) {
      auto &d = diags_.error(cmp.op_loc,
                             "'under' does not apply to '" + cmp.field + "'");
      d.hints.push_back(
          "'under' takes a directory and applies to paths "
          "(path, binary, parent.binary, target, cgroup); write " +
          cmp.field + " == ... or " + cmp.field + " in [...]");
      return std::nullopt;
    }
    const bool pattern = cmp.op == dsl::CompareOp::StartsWith ||
                         cmp.op == dsl::CompareOp::EndsWith ||
                         cmp.op == dsl::CompareOp::Matches;
    if (pattern && !is_path_type(field->type)) {
      diags_
          .error(cmp.op_loc, std::string("'") + dsl::keyword(cmp.op) +
                                 "' does not apply to '" + cmp.field + "'")
          .hints.push_back("'startswith', 'endswith' and 'matches' apply to "
                           "paths (path, binary, target, cgroup); write " +
                           cmp.field + " == ... or " + cmp.field + " in [...]");
      return std::nullopt;
    }
    if (pattern)
      return pattern_cond(e, *field, let, *lits);
    const bool ordering =
        cmp.op == dsl::CompareOp::Lt || cmp.op == dsl::CompareOp::Le ||
        cmp.op == dsl::CompareOp::Gt || cmp.op == dsl::CompareOp::Ge;
    if (ordering && field->type != FieldType::Port &&
        field->type != FieldType::Id) {
      diags_
          .error(cmp.op_loc, std::string("'") + dsl::keyword(cmp.op) +
                                 "' does not apply to '" + cmp.field + "'")
          .hints.push_back("only numbers are ordered: '<', '<=', '>' and "
                           "'>=' apply to port, uid, gid, euid and pid");
      return std::nullopt;
    }
    std::optional<ValueList> values;
    if (ordering) {
      // The parser gives an ordering operator exactly one number.
      if (lits->size() != 1 || lits->front().kind != dsl::ValueKind::Number) {
        diags_.error(e.loc, std::string("'") + dsl::keyword(cmp.op) +
                                "' takes one number");
        return std::nullopt;
      }
      if (auto range = ordering_range(cmp, lits->front(), field->abi_id))
        values = shared_list({std::move(*range)});
    } else {
      values = check_values(let, *lits, *field);
    }
    if (!values)
      return std::nullopt;

    bool negated =
        cmp.op == dsl::CompareOp::Ne || cmp.op == dsl::CompareOp::NotIn;
    Cond c;
    if (values->empty()) {
      // Only a list or set can be empty; `in []` holds for no value.
      diags_.warning(e.loc, negated ? "empty list: 'not in' always matches"
                                    : "empty list never matches");
      c.kind = negated ? Cond::Kind::True : Cond::Kind::False;
      return c;
    }
    c.kind = Cond::Kind::Match;
    c.match.field = field->abi_id;
    c.match.kind =
        cmp.op == dsl::CompareOp::Under ? MatchKind::Under : MatchKind::Exact;
    c.match.values = std::move(*values);
    c.match.negated = negated;
    c.match.loc = e.loc;
    return c;
  }

  dsl::Diagnostics &diags_;
  // The `let`s of the file being resolved.
  // Views into the file's own `let` names.
  std::unordered_map<std::string_view, const dsl::Let *> lets_;
  std::vector<std::string> let_names_; // in definition order, for hints
  // A set's checked values per field type (nullopt: it had a bad value),
  // at [index of the let * kFieldTypes + type]: an array, as every `in
  // SET` of every rule looks here.
  static constexpr size_t kFieldTypes = static_cast<size_t>(FieldType::Id) + 1;
  struct SetValues {
    bool checked = false;
    std::optional<ValueList> values;
  };
  const dsl::Let *lets_begin_ = nullptr; // the file's lets
  std::vector<SetValues> set_values_;
  // Every distinct list of values, by ValueList::hash(), so that equal
  // lists are one shared list (value_list.h).
  std::unordered_multimap<size_t, ValueList> lists_;
  // A field and the text of one string literal (a view into the AST).
  struct LiteralKey {
    uint8_t field;
    std::string_view text;
    bool operator==(const LiteralKey &) const = default;
  };
  struct LiteralKeyHash {
    size_t operator()(const LiteralKey &k) const {
      return std::hash<std::string_view>{}(k.text) * 31 + k.field;
    }
  };
  // The checked values of `field == "text"` (or !=, under), when good.
  std::unordered_map<LiteralKey, ValueList, LiteralKeyHash> literal_values_;
  // A set's checked values after one pattern operator (nullopt: a bad one).
  std::map<std::pair<const dsl::Let *, dsl::CompareOp>,
           std::optional<std::vector<std::string>>>
      pattern_sets_;
};

} // namespace

std::optional<Resolved> resolve(const std::vector<dsl::PolicyFile> &files,
                                dsl::Diagnostics &diags) {
  return Resolver(diags).run(files);
}

} // namespace palisade::engine
