// The line scanners of delimited numeric text (CSV, TSV) and of libsvm/svmlight text.
#include "CLinalgText.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <system_error>

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The end of the line that starts at `p`: the '\n' or `end`.
const char *line_end(const char *p, const char *end) {
    const void *newline = std::memchr(p, '\n', static_cast<size_t>(end - p));
    return newline ? static_cast<const char *>(newline) : end;
}

// Whether the line starting at `p` holds only spaces, tabs and '\r'; sets `next` to the start
// of the following line when it does.
bool blank_line(const char *p, const char *end, const char **next) {
    while (p < end && is_blank(*p)) ++p;
    if (p == end) { *next = end; return true; }
    if (*p == '\n') { *next = p + 1; return true; }
    return false;
}

struct Scanner {
    const char *start;  // start of the scanned range (offsets are relative to it)
    const char *end;
    linalg_scan_result result;

    linalg_scan_result fail(int32_t status, int64_t field, const char *begin, const char *stop) {
        result.status = status;
        result.field = field;
        result.error_begin = begin - start;
        result.error_end = stop - start;
        return result;
    }
};

// The end of the field at `p`: the next delimiter, '\n' or `end` (for messages).
const char *field_end(const char *p, const char *end, char delimiter) {
    while (p < end && *p != delimiter && *p != '\n') ++p;
    return p;
}

// Fields on the line from `p` (after the fields already counted).
int64_t count_remaining_fields(const char *p, const char *end, char delimiter) {
    const char *stop = line_end(p, end);
    int64_t fields = 1;
    for (; p < stop; ++p) fields += (*p == delimiter);
    return fields;
}

}  // namespace

extern "C" void linalg_count_lines(const char *data, size_t length, int64_t *lines, int64_t *rows) {
    const char *p = data, *end = data + length;
    int64_t line_count = 0, row_count = 0;
    while (p < end) {
        const char *next;
        if (!blank_line(p, end, &next)) {
            ++row_count;
            const char *stop = line_end(p, end);
            next = stop < end ? stop + 1 : end;
        }
        ++line_count;
        p = next;
    }
    *lines = line_count;
    *rows = row_count;
}

namespace {

// Spaces around a field: ' ', and '\t' unless it is the delimiter.
struct FieldSpace {
    bool tab_is_space;
    bool operator()(char c) const { return c == ' ' || (c == '\t' && tab_is_space); }
};

// The quoted field at `field` ('"' … '"' on one line, spaces inside trimmed) into `*value`; the
// position after the closing quote, or nullptr with the failure in `scanner.result`.
const char *parse_quoted(Scanner &scanner, const char *field, size_t j, FieldSpace is_space, double *value) {
    const char *close = field + 1;
    while (close < scanner.end && *close != '"' && *close != '\n') ++close;
    if (close == scanner.end || *close != '"') {
        scanner.fail(LINALG_SCAN_QUOTE, j, field, close);
        return nullptr;
    }
    const char *a = field + 1, *b = close;
    while (a < b && is_space(*a)) ++a;
    while (b > a && is_space(b[-1])) --b;
    int status = linalg_parse_double(a, b, value);
    if (status == LINALG_NUMBER_OK) return close + 1;
    int failure = status == LINALG_NUMBER_EMPTY       ? LINALG_SCAN_EMPTY_CELL
                  : status == LINALG_NUMBER_NONFINITE ? LINALG_SCAN_NOT_FINITE
                                                      : LINALG_SCAN_NOT_A_NUMBER;
    scanner.fail(failure, j, field, close + 1);
    return nullptr;
}

// The unquoted number at `field` into `*value` by from_chars (the exact parser decides the rare
// out-of-range case); the position after it, or nullptr with the failure in `scanner.result`.
const char *parse_plain(Scanner &scanner, const char *field, size_t j, char delimiter, double *value) {
    const char *end = scanner.end, *digits = field;
    // from_chars takes no leading '+'; Python's float() does (once).
    if (digits + 1 < end && *digits == '+' && digits[1] != '-' && digits[1] != '+') ++digits;
    std::from_chars_result parsed = std::from_chars(digits, end, *value, std::chars_format::general);
    if (parsed.ec == std::errc::invalid_argument) {
        const char *trimmed = field_end(field, end, delimiter);
        while (trimmed > field && is_blank(trimmed[-1])) --trimmed;
        scanner.fail(trimmed == field ? LINALG_SCAN_EMPTY_CELL : LINALG_SCAN_NOT_A_NUMBER, j, field, trimmed);
        return nullptr;
    }
    if (parsed.ec != std::errc::result_out_of_range && std::isfinite(*value)) return parsed.ptr;
    // Underflow to 0 is a number; overflow and the rest are not.
    const char *stop = field_end(field, end, delimiter);
    while (stop > field && is_blank(stop[-1])) --stop;
    int status = linalg_parse_double(field, stop, value);
    if (status == LINALG_NUMBER_OK) return stop;
    scanner.fail(status == LINALG_NUMBER_NONFINITE ? LINALG_SCAN_NOT_FINITE : LINALG_SCAN_NOT_A_NUMBER, j, field, stop);
    return nullptr;
}

// The text field at `field`: a quoted one's bytes inside its quotes (which may hold the
// delimiter), else up to the delimiter or the line's end; spaces trimmed, offsets from the scanned
// range's start into `span`. The position after the field, or nullptr with the failure in
// `scanner.result` (a quote not closed on its line).
const char *parse_text(Scanner &scanner, const char *field, size_t j, char delimiter, FieldSpace is_space,
                       int64_t *span) {
    const char *begin = field, *end = nullptr, *after = nullptr;
    if (field < scanner.end && *field == '"') {
        const char *close = field + 1;
        while (close < scanner.end && *close != '"' && *close != '\n') ++close;
        if (close == scanner.end || *close != '"') {
            scanner.fail(LINALG_SCAN_QUOTE, j, field, close);
            return nullptr;
        }
        begin = field + 1;
        end = close;
        after = close + 1;
    } else {
        after = field_end(field, scanner.end, delimiter);
        end = after;
    }
    while (begin < end && is_space(*begin)) ++begin;
    while (end > begin && (is_space(end[-1]) || end[-1] == '\r')) --end;
    if (span) {
        span[0] = begin - scanner.start;
        span[1] = end - scanner.start;
    }
    return after;
}

// The row of `columns` fields at `*p` into `row` (when given), `*p` moved to the next line;
// false with the failure in `scanner.result`. Field `text_column` is text (``parse_text``).
bool scan_row(Scanner &scanner, const char **p, char delimiter, size_t columns, double *row, int64_t text_column,
              int64_t *span) {
    const char *end = scanner.end;
    const FieldSpace is_space{delimiter != '\t'};
    const char *q = *p;
    for (size_t j = 0;; ++j) {
        while (q < end && is_space(*q)) ++q;
        const char *field = q;
        double value = 0;
        const char *after = static_cast<int64_t>(j) == text_column
                                ? parse_text(scanner, field, j, delimiter, is_space, span)
                            : q < end && *q == '"' ? parse_quoted(scanner, field, j, is_space, &value)
                                                   : parse_plain(scanner, field, j, delimiter, &value);
        if (!after) return false;
        while (after < end && is_space(*after)) ++after;
        if (after < end && *after == '\r' && (after + 1 == end || after[1] == '\n')) ++after;
        bool line_ends = after == end || *after == '\n';
        if (!line_ends && *after != delimiter) {
            const char *stop = field_end(field, end, delimiter);
            while (stop > field && is_blank(stop[-1])) --stop;
            scanner.fail(LINALG_SCAN_NOT_A_NUMBER, j, field, stop);
            return false;
        }
        if (row) row[j] = value;
        if (line_ends) {
            if (j + 1 != columns) {
                scanner.result.fields = static_cast<int64_t>(j + 1);
                scanner.fail(LINALG_SCAN_FIELD_COUNT, j, field, after);
                return false;
            }
            *p = after < end ? after + 1 : end;
            return true;
        }
        if (j + 1 == columns) {
            scanner.result.fields = static_cast<int64_t>(columns) + count_remaining_fields(after + 1, end, delimiter);
            scanner.fail(LINALG_SCAN_FIELD_COUNT, j + 1, after + 1, after + 1);
            return false;
        }
        q = after + 1;
    }
}

}  // namespace

extern "C" linalg_scan_result linalg_scan_delimited(const char *data, size_t length, char delimiter, size_t columns,
                                                    double *out, int64_t *line_of_row, int64_t max_rows,
                                                    int64_t text_column, int64_t *text_spans) {
    Scanner scanner{data, data + length, {}};
    linalg_scan_result &result = scanner.result;
    const char *p = data, *end = data + length;
    while (p < end) {
        const char *next;
        if (blank_line(p, end, &next)) {
            p = next;
            ++result.lines;
            continue;
        }
        if (result.rows == max_rows) return scanner.fail(LINALG_SCAN_ROWS_CHANGED, 0, p, p);
        double *row = out ? out + static_cast<size_t>(result.rows) * columns : nullptr;
        int64_t *span = text_spans ? text_spans + 2 * result.rows : nullptr;
        if (!scan_row(scanner, &p, delimiter, columns, row, text_column, span)) return result;
        if (line_of_row) line_of_row[result.rows] = result.lines;
        ++result.rows;
        ++result.lines;
    }
    return result;
}

namespace {

// Parses the non-negative integer [p, stop); false when it is not one or exceeds INT32_MAX.
bool parse_index(const char *p, const char *stop, int64_t *index) {
    if (p == stop) return false;
    int64_t value = 0;
    for (; p < stop; ++p) {
        if (*p < '0' || *p > '9') return false;
        value = value * 10 + (*p - '0');
        if (value > INT32_MAX) return false;
    }
    *index = value;
    return true;
}

bool is_space_or_tab(char c) { return c == ' ' || c == '\t'; }

// The token (and its field number) of the second occurrence of `index` among the pairs from `q`
// (the whole range, field 0, if there is none).
void find_second(const char *q, const char *content_end, int64_t index, int64_t *field, const char **begin,
                 const char **stop) {
    *field = 0, *begin = q, *stop = content_end;
    bool seen = false;
    for (int64_t f = 1; q < content_end; ++f) {
        while (q < content_end && is_blank(*q)) ++q;
        const char *token_end = q;
        while (token_end < content_end && !is_blank(*token_end)) ++token_end;
        const char *colon = static_cast<const char *>(std::memchr(q, ':', static_cast<size_t>(token_end - q)));
        int64_t value = -1;
        if (colon && f == 1 && colon - q == 3 && std::memcmp(q, "qid", 3) == 0) {
            --f;
        } else if (colon && parse_index(q, colon, &value) && value == index) {
            if (seen) {
                *field = f, *begin = q, *stop = token_end;
                return;
            }
            seen = true;
        }
        q = token_end;
    }
}

// Sorts the row's pairs [first, first + count) by index; returns the index written twice, or -1.
int64_t sort_row(int32_t *indices, double *values, int64_t count) {
    struct Pair {
        int32_t index;
        double value;
    };
    Pair small[64];
    Pair *pairs = count <= 64 ? small : new Pair[static_cast<size_t>(count)];
    for (int64_t k = 0; k < count; ++k) pairs[k] = {indices[k], values[k]};
    std::sort(pairs, pairs + count, [](const Pair &a, const Pair &b) { return a.index < b.index; });
    int64_t duplicate = -1;
    for (int64_t k = 0; k < count; ++k) {
        if (k > 0 && pairs[k].index == pairs[k - 1].index && duplicate < 0) duplicate = pairs[k].index;
        indices[k] = pairs[k].index, values[k] = pairs[k].value;
    }
    if (pairs != small) delete[] pairs;
    return duplicate;
}

// The index:value pairs of a libsvm line from `q` to `content_end` (after the label) into
// `rows` (when it has arrays), sorted by index; false with the failure in `scanner.result`.
bool scan_features(Scanner &scanner, const char *q, const char *content_end, int64_t first_index,
                   linalg_libsvm_rows *rows) {
    const char *pairs_begin = q;
    const int64_t row_start = rows->nonzeros;
    int64_t previous = -1;
    bool sorted = true;
    for (int64_t field = 1;; ++field) {
        while (q < content_end && is_blank(*q)) ++q;
        if (q == content_end) break;
        const char *token_end = q;
        while (token_end < content_end && !is_blank(*token_end)) ++token_end;
        const char *colon = static_cast<const char *>(std::memchr(q, ':', static_cast<size_t>(token_end - q)));
        if (!colon) return scanner.fail(LINALG_SCAN_BAD_PAIR, field, q, token_end), false;
        if (field == 1 && colon - q == 3 && std::memcmp(q, "qid", 3) == 0) {
            q = token_end;  // a query id (ranking data) is not a feature
            --field;
            continue;
        }
        int64_t index = 0;
        if (!parse_index(q, colon, &index) || index < first_index) {
            return scanner.fail(LINALG_SCAN_BAD_INDEX, field, q, token_end), false;
        }
        double value = 0;
        int status = linalg_parse_double(colon + 1, token_end, &value);
        if (status == LINALG_NUMBER_NONFINITE) return scanner.fail(LINALG_SCAN_NOT_FINITE, field, q, token_end), false;
        if (status != LINALG_NUMBER_OK) return scanner.fail(LINALG_SCAN_NOT_A_NUMBER, field, q, token_end), false;
        if (rows->indices) {
            if (rows->nonzeros == rows->max_nonzeros) return scanner.fail(LINALG_SCAN_ROWS_CHANGED, field, q, q), false;
            rows->indices[rows->nonzeros] = static_cast<int32_t>(index);
            rows->values[rows->nonzeros] = value;
        }
        ++rows->nonzeros;
        if (index <= previous) sorted = false;
        previous = index;
        if (index > rows->largest_index) rows->largest_index = index;
        if (index < rows->smallest_index) rows->smallest_index = index;
        q = token_end;
    }
    if (sorted || !rows->indices) return true;
    const int64_t duplicate = sort_row(rows->indices + row_start, rows->values + row_start, rows->nonzeros - row_start);
    if (duplicate < 0) return true;
    int64_t field = 0;
    const char *begin = pairs_begin, *stop = content_end;
    find_second(pairs_begin, content_end, duplicate, &field, &begin, &stop);
    return scanner.fail(LINALG_SCAN_DUPLICATE_INDEX, field, begin, stop), false;
}

}  // namespace

extern "C" linalg_scan_result linalg_scan_libsvm(const char *data, size_t length, int64_t first_index,
                                                 linalg_libsvm_rows *rows) {
    Scanner scanner{data, data + length, {}};
    linalg_scan_result &result = scanner.result;
    const char *p = data, *end = data + length;
    rows->nonzeros = 0;
    rows->largest_index = -1;
    rows->smallest_index = INT64_MAX;
    while (p < end) {
        const char *stop = line_end(p, end);
        const char *next = stop < end ? stop + 1 : end;
        // The line's content: before a '#' comment, blanks trimmed.
        const char *content_end = static_cast<const char *>(std::memchr(p, '#', static_cast<size_t>(stop - p)));
        if (!content_end) content_end = stop;
        while (content_end > p && is_blank(content_end[-1])) --content_end;
        const char *q = p;
        while (q < content_end && is_blank(*q)) ++q;
        if (q == content_end) {
            p = next;
            ++result.lines;
            continue;
        }
        if (rows->labels && result.rows == rows->max_rows) return scanner.fail(LINALG_SCAN_ROWS_CHANGED, 0, q, q);
        const char *label_end = q;
        while (label_end < content_end && !is_space_or_tab(*label_end)) ++label_end;
        double label = 0;
        int status = linalg_parse_double(q, label_end, &label);
        if (status == LINALG_NUMBER_NONFINITE) return scanner.fail(LINALG_SCAN_NOT_FINITE, 0, q, label_end);
        if (status != LINALG_NUMBER_OK) return scanner.fail(LINALG_SCAN_NOT_A_NUMBER, 0, q, label_end);
        if (rows->labels) rows->labels[result.rows] = label;
        if (!scan_features(scanner, label_end, content_end, first_index, rows)) return result;
        if (rows->row_ends) rows->row_ends[result.rows] = rows->nonzeros;
        if (rows->line_of_row) rows->line_of_row[result.rows] = result.lines;
        ++result.rows;
        ++result.lines;
        p = next;
    }
    return result;
}
