#ifndef CLINALG_TEXT_H
#define CLINALG_TEXT_H
// Numbers as text, in and out, and the scanners of the delimited (CSV/TSV) and libsvm formats.
// Parsing uses libstdc++'s std::from_chars (the fast_float algorithm: correctly rounded, the
// same bits as Python's float() and glibc's strtod); formatting uses std::to_chars (the
// shortest decimal that reads back to the same bits). The scanners work on byte ranges that
// hold whole lines, so that a caller can split a file at line starts and scan the parts on
// several threads.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcomes of linalg_parse_double.
enum {
    LINALG_NUMBER_OK = 0,
    LINALG_NUMBER_EMPTY = 1,      ///< no characters
    LINALG_NUMBER_INVALID = 2,    ///< not a decimal number (or trailing characters)
    LINALG_NUMBER_NONFINITE = 3,  ///< inf, infinity or nan (any case, any sign), or out of range
};

/// Parses all of [begin, end) as a decimal floating-point number: an optional sign (+ or -),
/// digits with an optional fraction, an optional exponent; rounded to nearest, ties to even.
/// Magnitudes that round to zero give ±0 or a subnormal (as Python's float()); magnitudes
/// beyond DBL_MAX and the inf/nan spellings give LINALG_NUMBER_NONFINITE.
int linalg_parse_double(const char *begin, const char *end, double *value);

/// Writes the shortest decimal that reads back to `value`'s bits (no terminator); `buffer`
/// holds at least 32 bytes. Returns the length.
size_t linalg_format_double(double value, char *buffer);

/// Appends `count` numbers to `buffer`, each formatted as by linalg_format_double, separated by
/// `delimiter` and ended by '\n'; `buffer` holds at least 32 * count + 1 bytes. Returns the
/// number of bytes written.
size_t linalg_format_row(const double *values, size_t count, char delimiter, char *buffer);

/// Outcomes of the delimited-text and libsvm scanners.
enum {
    LINALG_SCAN_OK = 0,
    LINALG_SCAN_FIELD_COUNT = 1,   ///< a line has another number of fields than the header
    LINALG_SCAN_EMPTY_CELL = 2,    ///< a field holds nothing (or only spaces)
    LINALG_SCAN_NOT_A_NUMBER = 3,  ///< a field is not a decimal number
    LINALG_SCAN_NOT_FINITE = 4,    ///< a field is inf, nan or beyond the range of a double
    LINALG_SCAN_QUOTE = 5,         ///< a quoted field is not closed on its line, or text follows the quote
    LINALG_SCAN_ROWS_CHANGED = 6,  ///< more data lines than counted (the file changed while read)
    LINALG_SCAN_BAD_INDEX = 7,     ///< libsvm: an index is not an integer in [first index, 2^31)
    LINALG_SCAN_BAD_PAIR = 8,      ///< libsvm: a feature is not of the form index:value
    LINALG_SCAN_DUPLICATE_INDEX = 9, ///< libsvm: an index appears twice on a line
};

/// Where a scan stopped and why. Offsets are relative to the start of the scanned range;
/// `line` counts the lines before the one that failed (blank ones included).
typedef struct {
    int32_t status;
    int64_t rows;         ///< data lines scanned successfully (blank lines are not rows)
    int64_t lines;        ///< lines scanned successfully, blank ones included
    int64_t field;        ///< 0-based field of the error
    int64_t fields;       ///< with LINALG_SCAN_FIELD_COUNT: the fields found on that line
    int64_t error_begin;  ///< the offending text: [error_begin, error_end)
    int64_t error_end;
} linalg_scan_result;

/// Counts the lines ('\n'-terminated; a last line without '\n' counts) and the data lines
/// (those with a byte other than space, tab and '\r') in [data, data + length).
void linalg_count_lines(const char *data, size_t length, int64_t *lines, int64_t *rows);

/// Scans delimited numeric text: every non-blank line must hold exactly `columns` fields
/// separated by `delimiter`, each a number as for linalg_parse_double, optionally surrounded
/// by spaces (and tabs, unless the delimiter is a tab) and optionally in double quotes; a '\r'
/// before '\n' is ignored. Row r's numbers go to out[r * columns ...] and its line index (from
/// the start of the range) to line_of_row[r], when these are not NULL. Stops at the first error,
/// or before writing row `max_rows`. Field `text_column` (when ≥ 0) is text, not a number: its
/// bytes (inside the quotes of a quoted field, spaces trimmed) are located by their offsets from
/// `data`, begin and end, at text_spans[2r] and text_spans[2r + 1] (when not NULL), and out gets 0.
linalg_scan_result linalg_scan_delimited(const char *data, size_t length, char delimiter, size_t columns,
                                         double *out, int64_t *line_of_row, int64_t max_rows,
                                         int64_t text_column, int64_t *text_spans);

/// A libsvm line's parts as found by linalg_scan_libsvm.
typedef struct {
    double *labels;       ///< one per row (may be NULL: count only)
    int64_t *row_ends;    ///< nonzeros up to and including each row (may be NULL)
    int32_t *indices;     ///< column of each nonzero, as written in the file (may be NULL)
    double *values;       ///< value of each nonzero (may be NULL)
    int64_t *line_of_row; ///< line index of each row (may be NULL)
    int64_t max_rows;     ///< capacity of labels, row_ends and line_of_row
    int64_t max_nonzeros; ///< capacity of indices and values
    int64_t nonzeros;     ///< out: nonzeros scanned
    int64_t largest_index;///< out: the largest index seen (-1 when none)
    int64_t smallest_index;///< out: the smallest index seen (INT64_MAX when none)
} linalg_libsvm_rows;

/// Scans libsvm/svmlight text: per line `label [qid:n] index:value ...`, whitespace separated,
/// `#` starting a comment, blank or comment-only lines skipped. Indices must be at least
/// `first_index` (1, or 0 for zero-based files) and below 2^31; a line's pairs are stored sorted by
/// index (in any order in the file), and an index written twice on a line is an error (found
/// when storing). With NULL arrays it only counts (rows and nonzeros), so that a caller can size
/// the arrays first.
linalg_scan_result linalg_scan_libsvm(const char *data, size_t length, int64_t first_index, linalg_libsvm_rows *rows);

#ifdef __cplusplus
}
#endif

#endif
