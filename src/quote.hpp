// Quoting of user text in diagnostics, so that binary garbage or an escape
// sequence in a token or an option value cannot garble the terminal.
#pragma once

#include <string>
#include <string_view>

namespace relu {

// Return text in single quotes: printable ASCII as is, a backslash or a
// quote preceded by a backslash, other bytes as \xNN. Only the first 64
// bytes are shown; "..." after the closing quote marks a cut.
std::string quote(std::string_view text);

// Return text with each byte that is not printable ASCII written as \xNN,
// for a message that already quotes the user text it contains.
std::string printable(std::string_view text);

} // namespace relu
