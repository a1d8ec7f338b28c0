/*
 * sleep_counter: an LD_PRELOAD library that counts and times the sleeps of a process, and prints a
 * summary when the process exits. Made to find where paho.mqtt.c sleeps (docs/engine-speed.md):
 *
 *   LD_PRELOAD=artifacts/cmake/lib/libsleep_counter.so SLEEP_COUNTER_MATCH=paho PROGRAM ARGS...
 *
 * What counts as a sleep:
 *   usleep, nanosleep, clock_nanosleep   every call
 *   pthread_cond_timedwait, sem_timedwait a call that ended with ETIMEDOUT (ran to its deadline)
 *   poll, select                         a call with a timeout above 0 that returned 0 (nothing ready)
 * A wait that something ended early is work arriving, not a sleep, and is not counted.
 *
 * Environment:
 *   SLEEP_COUNTER_MATCH  count only calls made from a shared object whose path contains this text
 *                        (paho: libpaho-mqtt3*.so); unset, every caller counts.
 *   SLEEP_COUNTER_OUT    append the summary to this file instead of standard error.
 *
 * The summary has one line per kind (calls, total and longest time, calls of 50 ms and more) and one
 * per call site: the caller and the caller's caller, named from the object's symbol table (static
 * functions included, when the object is not stripped), e.g. "MQTTAsync_sleep < MQTTAsync_stop".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum kind { USLEEP, NANOSLEEP, CLOCK_NANOSLEEP, COND_TIMEDWAIT, SEM_TIMEDWAIT, POLL, SELECT, KINDS };
static const char* const kind_names[KINDS] = {
	"usleep", "nanosleep", "clock_nanosleep", "pthread_cond_timedwait timed out",
	"sem_timedwait timed out", "poll returned 0", "select returned 0",
};

typedef struct
{
	enum kind kind;
	void* caller;
	void* caller2;
	long calls;
	int64_t total_ns;
	int64_t max_ns;
} site;

#define MAX_SITES 64
static site sites[MAX_SITES];
static int site_count = 0;
static long kind_calls[KINDS], kind_long[KINDS];
static int64_t kind_total_ns[KINDS], kind_max_ns[KINDS];
static long dropped_sites = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t started_ns;
static const char* match;
static __thread int inside; /* usleep is nanosleep inside glibc: count the outer call only */

static int (*real_usleep)(useconds_t);
static int (*real_nanosleep)(const struct timespec*, struct timespec*);
static int (*real_clock_nanosleep)(clockid_t, int, const struct timespec*, struct timespec*);
static int (*real_cond_timedwait)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*);
static int (*real_sem_timedwait)(sem_t*, const struct timespec*);
static int (*real_poll)(struct pollfd*, nfds_t, int);
static int (*real_select)(int, fd_set*, fd_set*, fd_set*, struct timeval*);

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void resolve(void)
{
	if (real_poll)
		return;
	real_usleep = (int (*)(useconds_t))dlsym(RTLD_NEXT, "usleep");
	real_nanosleep = (int (*)(const struct timespec*, struct timespec*))dlsym(RTLD_NEXT, "nanosleep");
	real_clock_nanosleep = (int (*)(clockid_t, int, const struct timespec*, struct timespec*))dlsym(RTLD_NEXT, "clock_nanosleep");
	/* the default version (GLIBC_2.3.2), the one a program compiled today binds to */
	real_cond_timedwait = (int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*))dlvsym(RTLD_NEXT, "pthread_cond_timedwait", "GLIBC_2.3.2");
	if (!real_cond_timedwait)
		real_cond_timedwait = (int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*))dlsym(RTLD_NEXT, "pthread_cond_timedwait");
	real_sem_timedwait = (int (*)(sem_t*, const struct timespec*))dlsym(RTLD_NEXT, "sem_timedwait");
	real_select = (int (*)(int, fd_set*, fd_set*, fd_set*, struct timeval*))dlsym(RTLD_NEXT, "select");
	real_poll = (int (*)(struct pollfd*, nfds_t, int))dlsym(RTLD_NEXT, "poll");
}

static int caller_matches(void* caller)
{
	if (!match)
		return 1;
	Dl_info info;
	return dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, match);
}

__attribute__((noinline)) static void record(enum kind kind, void* caller, int64_t ns)
{
	if (!caller_matches(caller))
		return;
	/* the caller's caller, for the site: the frame after the caller's in this thread's stack */
	void* frames[8] = { 0 };
	int depth = backtrace(frames, 8);
	void* caller2 = NULL;
	for (int j = 0; j + 1 < depth; j++)
		if (frames[j] == caller)
		{
			caller2 = frames[j + 1];
			break;
		}
	pthread_mutex_lock(&lock);
	kind_calls[kind]++;
	kind_total_ns[kind] += ns;
	if (ns > kind_max_ns[kind])
		kind_max_ns[kind] = ns;
	if (ns >= 50000000)
		kind_long[kind]++;
	int i = 0;
	while (i < site_count && !(sites[i].kind == kind && sites[i].caller == caller && sites[i].caller2 == caller2))
		i++;
	if (i == site_count && site_count < MAX_SITES)
	{
		sites[i] = (site){ kind, caller, caller2, 0, 0, 0 };
		site_count++;
	}
	if (i < site_count)
	{
		sites[i].calls++;
		sites[i].total_ns += ns;
		if (ns > sites[i].max_ns)
			sites[i].max_ns = ns;
	}
	else
		dropped_sites++;
	pthread_mutex_unlock(&lock);
}

int usleep(useconds_t usec)
{
	resolve();
	inside++;
	int64_t start = now_ns();
	int rc = real_usleep(usec);
	int64_t ns = now_ns() - start;
	inside--;
	if (!inside)
		record(USLEEP, __builtin_return_address(0), ns);
	return rc;
}

int nanosleep(const struct timespec* req, struct timespec* rem)
{
	resolve();
	inside++;
	int64_t start = now_ns();
	int rc = real_nanosleep(req, rem);
	int64_t ns = now_ns() - start;
	inside--;
	if (!inside)
		record(NANOSLEEP, __builtin_return_address(0), ns);
	return rc;
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* req, struct timespec* rem)
{
	resolve();
	inside++;
	int64_t start = now_ns();
	int rc = real_clock_nanosleep(clock, flags, req, rem);
	int64_t ns = now_ns() - start;
	inside--;
	if (!inside)
		record(CLOCK_NANOSLEEP, __builtin_return_address(0), ns);
	return rc;
}

int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex, const struct timespec* abstime)
{
	resolve();
	int64_t start = now_ns();
	int rc = real_cond_timedwait(cond, mutex, abstime);
	if (rc == ETIMEDOUT)
		record(COND_TIMEDWAIT, __builtin_return_address(0), now_ns() - start);
	return rc;
}

int sem_timedwait(sem_t* sem, const struct timespec* abstime)
{
	resolve();
	int64_t start = now_ns();
	int rc = real_sem_timedwait(sem, abstime);
	if (rc == -1 && errno == ETIMEDOUT)
	{
		int saved = errno;
		record(SEM_TIMEDWAIT, __builtin_return_address(0), now_ns() - start);
		errno = saved;
	}
	return rc;
}

int poll(struct pollfd* fds, nfds_t nfds, int timeout)
{
	resolve();
	int64_t start = now_ns();
	int rc = real_poll(fds, nfds, timeout);
	if (rc == 0 && timeout > 0)
		record(POLL, __builtin_return_address(0), now_ns() - start);
	return rc;
}

int select(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, struct timeval* timeout)
{
	resolve();
	int waits = timeout == NULL || timeout->tv_sec > 0 || timeout->tv_usec > 0;
	int64_t start = now_ns();
	int rc = real_select(nfds, readfds, writefds, exceptfds, timeout);
	if (rc == 0 && waits)
		record(SELECT, __builtin_return_address(0), now_ns() - start);
	return rc;
}

/* The name of the function of the object's symbol table (.symtab, else .dynsym) that holds offset. */
static void symbol_of(const char* path, uintptr_t offset, char* out, size_t out_len)
{
	out[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(Elf64_Ehdr))
	{
		close(fd);
		return;
	}
	const unsigned char* file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (file == MAP_FAILED)
		return;
	const Elf64_Ehdr* eh = (const Elf64_Ehdr*)file;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > (size_t)st.st_size)
	{
		munmap((void*)file, (size_t)st.st_size);
		return;
	}
	const Elf64_Shdr* sh = (const Elf64_Shdr*)(file + eh->e_shoff);
	/* offset is from the object's load base; for a shared object that is the symbol's st_value */
	const Elf64_Sym* best = NULL;
	const char* best_strtab = NULL;
	for (int pass = 0; pass < 2 && !best; pass++)
	{
		Elf64_Word wanted = pass == 0 ? SHT_SYMTAB : SHT_DYNSYM;
		for (int i = 0; i < eh->e_shnum; i++)
		{
			if (sh[i].sh_type != wanted || sh[i].sh_link >= eh->e_shnum)
				continue;
			const Elf64_Sym* syms = (const Elf64_Sym*)(file + sh[i].sh_offset);
			size_t count = sh[i].sh_size / sizeof(Elf64_Sym);
			const char* strtab = (const char*)(file + sh[sh[i].sh_link].sh_offset);
			for (size_t j = 0; j < count; j++)
			{
				if (ELF64_ST_TYPE(syms[j].st_info) != STT_FUNC || syms[j].st_value == 0)
					continue;
				if (syms[j].st_value <= offset && offset < syms[j].st_value + (syms[j].st_size ? syms[j].st_size : 1))
				{
					best = &syms[j];
					best_strtab = strtab;
					break;
				}
			}
			if (best)
				break;
		}
	}
	if (best)
		snprintf(out, out_len, "%s", best_strtab + best->st_name);
	munmap((void*)file, (size_t)st.st_size);
}

static void name_of(void* address, char* out, size_t out_len)
{
	Dl_info info;
	if (!address || !dladdr(address, &info) || !info.dli_fname)
	{
		snprintf(out, out_len, "?");
		return;
	}
	const char* base = strrchr(info.dli_fname, '/');
	base = base ? base + 1 : info.dli_fname;
	uintptr_t offset = (uintptr_t)address - (uintptr_t)info.dli_fbase;
	char symbol[128];
	/* the executable's dli_fname may be "" for the main program: its path is /proc/self/exe */
	symbol_of(info.dli_fname[0] ? info.dli_fname : "/proc/self/exe", offset - 1, symbol, sizeof symbol);
	if (symbol[0] == '\0' && info.dli_sname)
		snprintf(symbol, sizeof symbol, "%s", info.dli_sname);
	snprintf(out, out_len, "%s (%s+0x%lx)", symbol[0] ? symbol : "?", base, (unsigned long)offset);
}

__attribute__((constructor)) static void start(void)
{
	resolve();
	match = getenv("SLEEP_COUNTER_MATCH");
	if (match && !*match)
		match = NULL;
	started_ns = now_ns();
	/* backtrace loads libgcc_s on its first call: load it now, not inside a caller's lock */
	void* frames[2];
	backtrace(frames, 2);
}

__attribute__((destructor)) static void report(void)
{
	const char* path = getenv("SLEEP_COUNTER_OUT");
	FILE* out = path && *path ? fopen(path, "a") : NULL;
	FILE* to = out ? out : stderr;
	pthread_mutex_lock(&lock);
	fprintf(to, "sleep_counter: pid %d, %.3f s, callers %s%s%s\n", (int)getpid(),
	        (double)(now_ns() - started_ns) / 1e9, match ? "in objects matching \"" : "anywhere",
	        match ? match : "", match ? "\"" : "");
	fprintf(to, "sleep_counter: %-34s %8s %11s %9s %8s\n", "kind", "calls", "total ms", "max ms", ">=50ms");
	for (int k = 0; k < KINDS; k++)
		if (kind_calls[k])
			fprintf(to, "sleep_counter: %-34s %8ld %11.1f %9.1f %8ld\n", kind_names[k], kind_calls[k],
			        (double)kind_total_ns[k] / 1e6, (double)kind_max_ns[k] / 1e6, kind_long[k]);
	for (int i = 0; i < site_count; i++)
	{
		char caller[256], caller2[256];
		name_of(sites[i].caller, caller, sizeof caller);
		name_of(sites[i].caller2, caller2, sizeof caller2);
		fprintf(to, "sleep_counter:   %s: %ld calls, %.1f ms (max %.1f) from %s < %s\n", kind_names[sites[i].kind],
		        sites[i].calls, (double)sites[i].total_ns / 1e6, (double)sites[i].max_ns / 1e6, caller, caller2);
	}
	if (dropped_sites)
		fprintf(to, "sleep_counter: %ld calls at sites beyond the first %d (counted above, not by site)\n", dropped_sites, MAX_SITES);
	pthread_mutex_unlock(&lock);
	if (out)
		fclose(out);
}
