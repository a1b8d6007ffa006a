// Decimal text <-> double through libstdc++'s <charconv>.
#include "CLinalgText.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace {

// strtod of [begin, end), for the rare range errors of from_chars: it tells an overflow (±inf)
// from an underflow (±0 or a subnormal, which Python's float() returns). The text has already
// been checked to be a valid decimal, so strtod reads all of it.
double strtod_of_range(const char *begin, const char *end) {
    size_t length = static_cast<size_t>(end - begin);
    char small[256];
    char *copy = length < sizeof small ? small : static_cast<char *>(std::malloc(length + 1));
    if (!copy) return HUGE_VAL;  // no memory for a copy: report as out of range
    std::memcpy(copy, begin, length);
    copy[length] = '\0';
    double value = std::strtod(copy, nullptr);
    if (copy != small) std::free(copy);
    return value;
}

bool is_letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

}  // namespace

extern "C" int linalg_parse_double(const char *begin, const char *end, double *value) {
    if (begin == end) return LINALG_NUMBER_EMPTY;
    const char *digits = begin;
    // from_chars takes no leading '+'; Python's float() does.
    if (*digits == '+') {
        ++digits;
        if (digits == end || *digits == '-' || *digits == '+') return LINALG_NUMBER_INVALID;
    }
    double parsed = 0;
    std::from_chars_result result = std::from_chars(digits, end, parsed, std::chars_format::general);
    if (result.ec == std::errc::invalid_argument) return LINALG_NUMBER_INVALID;
    if (result.ptr != end) return LINALG_NUMBER_INVALID;
    if (result.ec == std::errc::result_out_of_range) parsed = strtod_of_range(digits, end);
    if (!std::isfinite(parsed)) {
        // "nan(...)" is not a spelling Python accepts; every other non-finite outcome is a number
        // or an inf/nan spelling that is out of range.
        const char *first = digits + (*digits == '-' ? 1 : 0);
        if (first < end && is_letter(*first) && end[-1] == ')') return LINALG_NUMBER_INVALID;
        return LINALG_NUMBER_NONFINITE;
    }
    *value = parsed;
    return LINALG_NUMBER_OK;
}

extern "C" size_t linalg_format_double(double value, char *buffer) {
    std::to_chars_result result = std::to_chars(buffer, buffer + 32, value);
    return static_cast<size_t>(result.ptr - buffer);
}

extern "C" size_t linalg_format_row(const double *values, size_t count, char delimiter, char *buffer) {
    char *cursor = buffer;
    for (size_t j = 0; j < count; ++j) {
        if (j > 0) *cursor++ = delimiter;
        cursor = std::to_chars(cursor, cursor + 32, values[j]).ptr;
    }
    *cursor++ = '\n';
    return static_cast<size_t>(cursor - buffer);
}
