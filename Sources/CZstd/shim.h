#ifndef ASSETCRAWL_CZSTD_SHIM_H
#define ASSETCRAWL_CZSTD_SHIM_H
#include <zstd.h>
#endif
