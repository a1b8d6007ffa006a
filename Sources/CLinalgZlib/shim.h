#ifndef CLINALG_ZLIB_SHIM_H
#define CLINALG_ZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes the library's version and the stream's size); Swift
// imports functions only.
static inline int linalg_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -MAX_WBITS);  // raw deflate, as in zip entries
}
#endif
