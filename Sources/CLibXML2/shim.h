#ifndef ASSETCRAWL_CLIBXML2_SHIM_H
#define ASSETCRAWL_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its encoding.h then clashes with Foundation's
   own ICU module on a clean build ("UErrorCode has different definitions"). */
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

/* Under Swift 6 `xmlFree` is a global C function-pointer variable and does not
   compile as a call; wrap it. */
static inline void assetcrawl_xmlFree(void *ptr) { xmlFree(ptr); }

/* `xmlParserVersion` is a macro. */
static inline const char *assetcrawl_xmlParserVersion(void) { return xmlParserVersion; }

/* A structured error handler that drops everything, so nothing reaches stderr. */
static void assetcrawl_silentError(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }
static inline void assetcrawl_silenceErrors(void) {
    xmlSetStructuredErrorFunc(NULL, assetcrawl_silentError);
}

#endif
