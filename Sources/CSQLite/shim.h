#include <sqlite3.h>

/// Turns off SQLite's memory statistics before the library initializes: they take one
/// process-wide mutex on every allocation, so connections on several threads would wait for
/// each other. Returns SQLITE_OK, or SQLITE_MISUSE when SQLite is already initialized.
static inline int hunt_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#if defined(__linux__)
#include <malloc.h>
#endif

/// Hands the allocator's free memory back to the system (glibc's `malloc_trim`; nothing
/// elsewhere). A bulk load calls it before its index builds, which need memory of their own.
static inline void hunt_release_free_heap(void) {
#if defined(__linux__) && defined(__GLIBC__)
    malloc_trim(0);
#endif
}
