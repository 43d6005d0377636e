/* A directory's listing, for the tests of output files (test_afile,
 * test_report); include after <dirent.h>, <stdio.h>, <stdlib.h> and
 * <string.h>, with _POSIX_C_SOURCE 200809L. */
#ifndef COINSIM_TESTDIR_H
#define COINSIM_TESTDIR_H

/* The names in dir, sorted and joined by spaces ("" if none). */
static inline void listing(const char *dir, char *out, size_t n)
{
    struct dirent **e;
    int k = scandir(dir, &e, NULL, alphasort);
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        if (strcmp(e[i]->d_name, ".") && strcmp(e[i]->d_name, ".."))
            used += (size_t)snprintf(out + used, n - used, "%s%s", used ? " " : "", e[i]->d_name);
        free(e[i]);
    }
    free(e);
}

#endif
