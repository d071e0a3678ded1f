// format_rules(): the layout's units, in canonical order, as lines.
#include "palisade/dsl/format.h"

#include "format_layout.h"
#include "format_text.h"

namespace palisade::dsl {

namespace {

using format::LetLayout;
using format::LineComment;
using format::PolicyLayout;
using format::Unit;

// A let list longer than this on one line wraps, one item per line; a rule
// longer than this puts its message on a line of its own.
constexpr size_t kMaxLine = 80;

// Collects lines and the blank lines between them: at most one in a row,
// none at the start of the file or right after an opening brace/bracket.
class Writer {
public:
  // Separate the next line from the previous one by a blank line.
  void blank() { blank_ = true; }

  void line(int indent, const std::string &text, bool blank_before,
            const Comment *trailing = nullptr) {
    if (!block_start_ && (blank_ || blank_before))
      out_ += '\n';
    out_.append(indent, ' ');
    out_ += text;
    if (trailing) {
      out_ += "  ";
      out_ += trailing->text;
    }
    out_ += '\n';
    blank_ = false;
    block_start_ = false;
  }

  // The next line is the first inside a block.
  void open_block() { block_start_ = true; }

  void comments(int indent, const std::vector<LineComment> &list) {
    for (const LineComment &c : list)
      line(indent, c.comment->text, c.blank_before);
  }

  std::string take() { return std::move(out_); }

private:
  std::string out_;
  bool blank_ = false;
  bool block_start_ = true; // the file starts like a block
};

// A list wraps when it is too long for one line or has comments inside.
bool wraps(const LetLayout &l, const std::string &one_line) {
  if (one_line.size() > kMaxLine || l.head.trailing || !l.close.leading.empty())
    return true;
  for (const Unit &item : l.items)
    if (!item.leading.empty() || item.trailing)
      return true;
  return false;
}

void write_let(Writer &w, const LetLayout &l) {
  const Let &let = *l.let;
  const std::string head = "let " + let.name + " = ";
  w.comments(0, l.head.leading);
  if (format::single_value(let)) {
    w.line(0, head + format::value_text(let.values.front()),
           l.head.blank_before, l.head.trailing);
    return;
  }
  const std::string one_line = head + format::list_text(let.values);
  if (!wraps(l, one_line)) {
    w.line(0, one_line, l.head.blank_before, l.close.trailing);
    return;
  }
  w.line(0, head + "[", l.head.blank_before, l.head.trailing);
  w.open_block();
  for (size_t i = 0; i < let.values.size(); ++i) {
    const Unit &item = l.items[i];
    w.comments(2, item.leading);
    w.line(2, format::value_text(let.values[i]) + ",", item.blank_before,
           item.trailing);
  }
  w.comments(2, l.close.leading);
  w.line(0, "]", false, l.close.trailing);
}

void write_rule(Writer &w, const Rule &rule, const Unit &u) {
  const std::string text = format::rule_text(rule);
  const std::string message = format::message_text(rule);
  w.comments(2, u.leading);
  if (message.empty()) {
    w.line(2, text, u.blank_before, u.trailing);
  } else if (2 + text.size() + 1 + message.size() <= kMaxLine) {
    w.line(2, text + " " + message, u.blank_before, u.trailing);
  } else { // a continuation line, indented further
    w.line(2, text, u.blank_before);
    w.line(4, message, false, u.trailing);
  }
}

void write_policy(Writer &w, const PolicyLayout &p) {
  const Policy &policy = *p.policy;
  const std::string head = format::policy_head(policy);
  w.comments(0, p.head.leading);
  if (policy.rules.empty() && !p.head.trailing && p.close.leading.empty()) {
    w.line(0, head + " {}", p.head.blank_before, p.close.trailing);
    return;
  }
  w.line(0, head + " {", p.head.blank_before, p.head.trailing);
  w.open_block();
  for (size_t i = 0; i < policy.rules.size(); ++i)
    write_rule(w, policy.rules[i], p.rules[i]);
  w.comments(2, p.close.leading);
  w.line(0, "}", false, p.close.trailing);
}

} // namespace

std::string format_rules(const PolicyFile &file) {
  const format::Layout layout = format::layout(file);
  Writer w;
  w.comments(0, layout.header);
  if (!layout.header.empty())
    w.blank();
  for (const LetLayout &l : layout.lets)
    write_let(w, l);
  for (const PolicyLayout &p : layout.policies) {
    w.blank(); // after the lets and between policies
    write_policy(w, p);
  }
  w.blank(); // the comments at the end stand apart, like the header
  w.comments(0, layout.trailer);
  return w.take();
}

} // namespace palisade::dsl
