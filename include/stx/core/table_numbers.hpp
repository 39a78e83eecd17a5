// How metric tables print numbers, the same in the terminal, the Markdown summary and the
// HTML report: correlations to three decimals (a value that rounds to zero prints as 0.000,
// never -0.000) and MSEs to three significant digits with trailing zeros kept (0.000230, not
// 0.00023), so that a column's entries line up and compare at a glance.
#pragma once

#include <string>

namespace stx {

/// Three decimals; `undefined` for NaN or infinity.
std::string three_decimals(double value, const std::string& undefined);

/// Three significant digits, trailing zeros kept; `undefined` for NaN or infinity.
std::string three_significant(double value, const std::string& undefined);

}  // namespace stx
