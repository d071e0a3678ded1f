#include "format_layout.h"

#include <algorithm>
#include <string_view>

namespace palisade::dsl::format {

namespace {

Pos start_of(const SourceLocation &loc) { return {loc.line, loc.column}; }
Pos end_of(const SourceLocation &loc) { return {loc.end_line, loc.end_column}; }

Unit unit(Pos start, Pos end) {
  Unit u;
  u.start = start;
  u.end = end;
  return u;
}

// The source's lines, to tell where blank lines were.
class Lines {
public:
  explicit Lines(const SourceFile *file) {
    if (!file)
      return;
    std::string_view rest = file->text;
    for (size_t nl; (nl = rest.find('\n')) != rest.npos;) {
      lines_.push_back(rest.substr(0, nl));
      rest.remove_prefix(nl + 1);
    }
    lines_.push_back(rest);
  }

  // Whether 1-based `line` exists and holds only blanks.
  bool blank(uint32_t line) const {
    return line >= 1 && line <= lines_.size() && only_blanks(lines_[line - 1]);
  }

  // Whether a blank line comes right before `p`, and nothing but blanks
  // before it on its own line (so it started a line).
  bool blank_before(Pos p) const {
    if (p.line < 2 || p.line > lines_.size())
      return false;
    const std::string_view line = lines_[p.line - 1];
    return only_blanks(line.substr(0, p.column - 1)) && blank(p.line - 1);
  }

private:
  static bool only_blanks(std::string_view s) {
    return s.find_first_not_of(" \t\v\f\r") == s.npos;
  }
  std::vector<std::string_view> lines_;
};

LetLayout let_units(const Let &let) {
  LetLayout l;
  l.let = &let;
  if (single_value(let)) {
    l.head = unit(start_of(let.loc), end_of(let.loc));
    return l;
  }
  // The head runs to the name: a comment after `= [` on that line trails
  // the head. The `]` is the last byte of the let.
  l.head = unit(start_of(let.loc), end_of(let.name_loc));
  for (const StringLit &v : let.values)
    l.items.push_back(unit(start_of(v.loc), end_of(v.loc)));
  const Pos end = end_of(let.loc);
  l.close = unit({end.line, end.column - 1}, end);
  return l;
}

PolicyLayout policy_units(const Policy &policy) {
  PolicyLayout p;
  p.policy = &policy;
  p.head = unit(start_of(policy.loc), end_of(policy.mode_loc));
  for (const Rule &r : policy.rules)
    p.rules.push_back(unit(start_of(r.loc), end_of(r.loc)));
  const Pos end = end_of(policy.loc);
  p.close = unit({end.line, end.column - 1}, end);
  return p;
}

// Every unit of the file, in source order.
std::vector<Unit *> all_units(Layout &out) {
  std::vector<Unit *> units;
  for (LetLayout &l : out.lets) {
    units.push_back(&l.head);
    if (!single_value(*l.let)) {
      for (Unit &u : l.items)
        units.push_back(&u);
      units.push_back(&l.close);
    }
  }
  for (PolicyLayout &p : out.policies) {
    units.push_back(&p.head);
    for (Unit &u : p.rules)
      units.push_back(&u);
    units.push_back(&p.close);
  }
  std::stable_sort(
      units.begin(), units.end(),
      [](const Unit *a, const Unit *b) { return a->start < b->start; });
  return units;
}

// The rules in format_layout.h's comment, for comments in source order.
void attach_comments(const PolicyFile &file, const Lines &lines,
                     const std::vector<Unit *> &units, Layout &out) {
  size_t next = 0; // the first unit that ends after the comment
  for (const Comment &c : file.comments) {
    const Pos at = start_of(c.loc);
    while (next < units.size() && units[next]->end <= at)
      ++next;
    // A trailing comment that has to move starts a line of its own.
    const LineComment line{&c, !c.trailing && lines.blank(at.line - 1)};
    Unit *before = next > 0 ? units[next - 1] : nullptr;
    if (next < units.size() && units[next]->start < at)
      units[next]->leading.push_back(line); // inside the unit
    else if (c.trailing && before && before->end.line == at.line &&
             !before->trailing)
      before->trailing = &c;
    else if (next < units.size())
      units[next]->leading.push_back(line);
    else
      out.trailer.push_back(line);
  }
}

// Moves the first unit's comments up to the last blank line among them
// (the one before the unit included) into the file header.
void split_header(Unit &first, Layout &out) {
  std::vector<LineComment> &lead = first.leading;
  size_t header_size = 0;
  for (size_t i = 0; i < lead.size(); ++i) {
    const bool blank_after =
        i + 1 < lead.size() ? lead[i + 1].blank_before : first.blank_before;
    if (blank_after)
      header_size = i + 1;
  }
  out.header.assign(lead.begin(), lead.begin() + header_size);
  lead.erase(lead.begin(), lead.begin() + header_size);
}

} // namespace

Layout layout(const PolicyFile &file) {
  Layout out;
  for (const Let &l : file.lets)
    out.lets.push_back(let_units(l));
  for (const Policy &p : file.policies)
    out.policies.push_back(policy_units(p));

  const Lines lines(file.source.get());
  const std::vector<Unit *> units = all_units(out);
  for (Unit *u : units)
    u->blank_before = lines.blank_before(u->start);
  attach_comments(file, lines, units, out);
  if (!units.empty())
    split_header(*units.front(), out);
  return out;
}

} // namespace palisade::dsl::format
