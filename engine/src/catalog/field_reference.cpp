#include "palisade/engine/field_reference.h"

#include <palisade/abi.h>

#include "catalog/field_catalog.h"

namespace palisade::engine {
namespace {

const char *type_name(FieldType t) {
  switch (t) {
  case FieldType::Path:
    return "path";
  case FieldType::Access:
    return "access";
  case FieldType::Port:
    return "port";
  case FieldType::Address:
    return "address";
  case FieldType::Protocol:
    return "protocol";
  case FieldType::Family:
    return "family";
  case FieldType::Id:
    return "id";
  }
  return "?";
}

const char *operators_of(FieldType t) {
  switch (t) {
  case FieldType::Path:
    return "`==`, `!=`, `in`, `not in`, `under`, `startswith`, `endswith`, "
           "`matches`";
  case FieldType::Access:
  case FieldType::Address:
  case FieldType::Protocol:
  case FieldType::Family:
    return "`==`, `!=`, `in`, `not in`";
  case FieldType::Port:
  case FieldType::Id:
    return "`==`, `!=`, `in`, `not in`, `<`, `<=`, `>`, `>=`";
  }
  return "";
}

} // namespace

std::string fields_markdown() {
  std::string md = "# Fields\n\n"
                   "Generated from the engine's field catalog "
                   "(`engine/src/catalog/field_catalog.cpp`) by `enforcectl "
                   "fields`; a unit test\n"
                   "keeps this file equal to it. Regenerate with\n"
                   "`enforcectl fields > docs/fields.md`.\n";
  for (const auto &event : event_catalog()) {
    md += "\n## Event `" + std::string(event.name) + "`\n\n";
    md += std::string(event.description) + ".\n\n";
    md += "| field | type | operators | meaning |\n|---|---|---|---|\n";
    for (const auto &field : field_catalog()) {
      if (!field_in_event(field, event))
        continue;
      // `path` is every event's file; say which file it is here.
      std::string meaning =
          field.abi_id == PAL_FIELD_PATH
              ? std::string(event.path_is) + ", as the kernel resolved it"
              : std::string(field.description);
      md += "| `" + std::string(field.name) + "` | " + type_name(field.type) +
            " | " + operators_of(field.type) + " | " + meaning + " |\n";
    }
  }
  md += "\n## Types\n\n"
        "| type | values | notes |\n|---|---|---|\n"
        "| path | absolute, canonical paths: no `.`, `..` or empty "
        "components; at most 253 bytes | compared byte for byte; "
        "`under \"/d\"` holds strictly below `/d`; `startswith` and "
        "`endswith` compare bytes, `matches` takes a glob (`*`, `**`, `?`) "
        "|\n"
        "| access | `read`, `write` (includes append), `create` (this open "
        "created the file), `truncate` (`O_TRUNC`) | an open has one or "
        "more; `==` / `in` hold when it has any of the named ones, `!=` / "
        "`not in` when it has none |\n"
        "| port | numbers `0`..`65535` and ranges `6000..6063` (both ends "
        "included), written without quotes | `port < 1024` is the range "
        "`0..1023`; `in` lists may mix numbers and ranges |\n"
        "| id | numbers `0`..`4294967295` and ranges `1000..1999`, written "
        "without quotes, like port | the acting task's: real `uid` and "
        "`gid`, effective `euid`, `pid` its thread group id |\n"
        "| address | strings: an IPv4 or IPv6 address (`\"10.1.2.3\"`, "
        "`\"::1\"`) or a CIDR (`\"10.0.0.0/8\"`, `\"fd00::/8\"`); host "
        "bits must be zero | an IPv4-mapped IPv6 address "
        "(`::ffff:10.1.2.3`) matches IPv4 rules |\n"
        "| protocol | `\"tcp\"`, `\"udp\"` | |\n"
        "| family | `\"ipv4\"`, `\"ipv6\"` | the socket's family: an "
        "IPv6 socket talking to an IPv4-mapped address is `ipv6` |\n";
  return md;
}

} // namespace palisade::engine
