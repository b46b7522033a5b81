#ifndef ASSETCRAWL_CZLIB_SHIM_H
#define ASSETCRAWL_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a macro. */
static inline int assetcrawl_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
