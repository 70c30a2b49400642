#include <sqlite3.h>

/// Turns off SQLite's memory statistics before the library initializes: they take one
/// process-wide mutex on every allocation, so connections on several threads would wait for
/// each other. Returns SQLITE_OK, or SQLITE_MISUSE when SQLite is already initialized.
static inline int hunt_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
