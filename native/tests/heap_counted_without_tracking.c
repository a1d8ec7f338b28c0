/* native/paho-patches/0011: paho's Heap_get_info counts the bytes paho holds, exactly, in a
 * PAHO_HIGH_PERFORMANCE build (no heap tracking) as in paho's default build (tracking).
 * PahoSharp's leak tests read this count. Checks: a block from MQTTAsync_malloc is counted (at least
 * its size) and uncounted when MQTTAsync_free gives it back; a client counts while it exists; after
 * 100 create/destroy cycles the count is where it was after the first; a block not given back stays
 * counted (the count sees a leak). No broker is needed. Exit status 0 when all hold. */
#define _GNU_SOURCE
#include <MQTTAsync.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* paho's heap_info (Heap.h, not a public header). Heap_get_info is looked up when the program runs, so
 * that a paho without it (PAHO_HIGH_PERFORMANCE without 0011) fails this test, not the build. */
typedef struct
{
	size_t current_size;
	size_t max_size;
} heap_info;
static heap_info* (*get_info)(void);

static size_t held(void)
{
	return get_info()->current_size;
}

static int cycle(size_t* while_alive)
{
	MQTTAsync client = NULL;
	if (MQTTAsync_create(&client, "tcp://127.0.0.1:1", "pahosharp-heap-count", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTASYNC_SUCCESS)
		return 0;
	if (while_alive)
		*while_alive = held();
	MQTTAsync_destroy(&client);
	return 1;
}

int main(void)
{
	int failures = 0;
	*(void**)&get_info = dlsym(RTLD_DEFAULT, "Heap_get_info");
	if (get_info == NULL)
	{
		fprintf(stderr, "FAIL: paho exports no Heap_get_info\n");
		return 1;
	}
	/* The first client initialises paho's globals, which stay. */
	if (!cycle(NULL))
	{
		fprintf(stderr, "MQTTAsync_create failed\n");
		return 2;
	}

	size_t before = held();
	void* block = MQTTAsync_malloc(1000);
	size_t with_block = held();
	MQTTAsync_free(block);
	size_t after_free = held();
	printf("block of 1000: %zu -> %zu -> %zu bytes\n", before, with_block, after_free);
	if (with_block < before + 1000 || after_free != before)
	{
		fprintf(stderr, "FAIL: a 1000-byte block is not counted, or not uncounted when freed\n");
		++failures;
	}

	size_t alive = 0;
	before = held();
	for (int i = 0; i < 100; ++i)
		if (!cycle(i == 0 ? &alive : NULL))
			return 2;
	size_t after_cycles = held();
	printf("100 create/destroy cycles: %zu -> %zu bytes (%zu while a client existed)\n", before, after_cycles, alive);
	if (alive <= before || after_cycles != before)
	{
		fprintf(stderr, "FAIL: a client is not counted while it exists, or its bytes are not back after destroy\n");
		++failures;
	}

	before = held();
	void* leaked = MQTTAsync_malloc(64);
	size_t after_leak = held();
	printf("a block of 64 not freed: %zu -> %zu bytes\n", before, after_leak);
	if (leaked == NULL || after_leak < before + 64)
	{
		fprintf(stderr, "FAIL: a block not given back is not counted\n");
		++failures;
	}
	MQTTAsync_free(leaked);
	return failures == 0 ? 0 : 1;
}
