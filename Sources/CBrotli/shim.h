#ifndef ASSETCRAWL_CBROTLI_SHIM_H
#define ASSETCRAWL_CBROTLI_SHIM_H
#include <brotli/decode.h>
#endif
