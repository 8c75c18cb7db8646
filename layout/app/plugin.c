/* plugin — see plugin.h. */
#include "layout/app/plugin.h"

#include <dlfcn.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "layout/base/path.h"

#define PLUGIN "jianbao-preflight.so"

/* Beside the program (a checkout, a build folder), or installed in <prefix>/lib/jianbao. */
static void *open_plugin(char *err, size_t errlen)
{
    char exe[PATH_MAX];
    path_exe_dir(exe, sizeof exe);
    if (!exe[0]) {
        snprintf(err, errlen, "cannot find the program's folder to load %s", PLUGIN);
        return NULL;
    }
    const char *const rel[] = { "/", "/../lib/jianbao/" };
    char first[PATH_MAX + 64] = "";
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s%s%s", exe, rel[i], PLUGIN);
        if (access(path, F_OK) != 0)
            continue;
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h)
            return h;
        const char *why = dlerror();
        snprintf(first, sizeof first, "%s", why ? why : path);
        break;
    }
    if (first[0])
        snprintf(err, errlen, "cannot load %s; rebuild with make", first);
    else
        snprintf(err, errlen, "%s is neither in %s nor in %s/../lib/jianbao; rebuild with make "
                 "(or make install)", PLUGIN, exe, exe);
    return NULL;
}

const preflight_api *plugin_preflight(char *err, size_t errlen)
{
    static preflight_api api;
    if (api.run)
        return &api;
    void *h = open_plugin(err, errlen);
    if (!h)
        return NULL;
    /* POSIX: a function pointer travels through dlsym's void *. */
    *(void **)&api.options_default = dlsym(h, "preflight_options_default");
    *(void **)&api.run = dlsym(h, "preflight_run");
    if (!api.options_default || !api.run) {
        snprintf(err, errlen, "%s lacks the preflight functions; rebuild with make", PLUGIN);
        api.run = NULL;
        dlclose(h);
        return NULL;
    }
    return &api;              /* kept open for the process */
}
