// The floor of any reader built on libxml2's HTML parser: SAX parsing with empty callbacks (count
// elements and text bytes only), no DOM, recover mode, on one file repeated N times in memory.
// CPU seconds of the process. Used for the Europresse reader's speed target (experiments/results/readers.md).
//   gcc -O2 -I/usr/include/libxml2 experiments/baselines/libxml2_html_sax_floor.c -lxml2 -o /tmp/saxfloor
//   /tmp/saxfloor ../shared/data/europresse-html/europresse_test2.html 5000
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static long n;
static void se(void* c, const xmlChar* name, const xmlChar** a) { n++; }
static void ch(void* c, const xmlChar* s, int len) { n += len; }
int main(int argc, char** argv) {
  FILE* f = fopen(argv[1], "rb"); fseek(f, 0, SEEK_END); long sz = ftell(f); rewind(f);
  char* one = malloc(sz); fread(one, 1, sz, f);
  int reps = atoi(argv[2]);
  char* buf = malloc(sz * reps); for (int i = 0; i < reps; i++) memcpy(buf + i * sz, one, sz);
  htmlSAXHandler h; memset(&h, 0, sizeof h); h.startElement = se; h.characters = ch;
  struct timespec t0, t1; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  htmlParserCtxtPtr ctx = htmlCreateMemoryParserCtxt(buf, sz * reps);
  memcpy(ctx->sax, &h, sizeof h); htmlCtxtUseOptions(ctx, HTML_PARSE_RECOVER|HTML_PARSE_NOERROR|HTML_PARSE_NOWARNING|HTML_PARSE_NONET);
  htmlParseDocument(ctx);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%.1f MB in %.3f CPU s = %.1f MB/s (%ld)\n", sz * reps / 1e6, s, sz * reps / 1e6 / s, n);
}
