/* heap — the process's allocator set up for one build: see heap.c. */
#ifndef JIANBAO_APP_HEAP_H
#define JIANBAO_APP_HEAP_H

/* Reserves the heap a build grows into and asks the kernel to back it with huge
 * pages. Call once, first thing in main; failures only cost speed. */
void heap_init(void);

#endif
