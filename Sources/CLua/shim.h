/*
 * The C half of LuaBridge.
 *
 * Lua raises errors with longjmp, and a jump across a Swift frame is undefined behaviour.
 * Everything that can raise therefore lives here: the allocator, the count hook, the message
 * handler, the trampoline into Swift callbacks, the sandbox wrappers and every operation that
 * allocates (each runs under lua_pcall). Swift only calls functions that never raise.
 */
#ifndef CRM_LUA_SHIM_H
#define CRM_LUA_SHIM_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------------------------------
 * Macro wrappers (Swift cannot import function-like macros).
 * ------------------------------------------------------------------------------------- */

static inline int crm_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline void crm_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline int crm_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline void crm_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline const char *crm_tostring(lua_State *L, int i, size_t *len) {
    return lua_type(L, i) == LUA_TSTRING ? lua_tolstring(L, i, len) : NULL;
}

/* ---------------------------------------------------------------------------------------
 * Values staged by Swift and pushed by C (pushing allocates, so it must happen in C).
 * A table slot is followed by `count` key/value slot pairs, recursively.
 * ------------------------------------------------------------------------------------- */

enum { CRM_NIL, CRM_BOOLEAN, CRM_INTEGER, CRM_NUMBER, CRM_STRING, CRM_TABLE, CRM_REF };

typedef struct crm_slot {
    int type;
    int count;        /* table: number of key/value pairs that follow */
    int64_t integer;  /* integer, boolean, registry reference, or string offset in `bytes` */
    double number;
    size_t length;    /* string length */
} crm_slot;

typedef struct crm_stage {
    crm_slot *slots;
    size_t count, capacity;
    char *bytes;
    size_t used, size;
} crm_stage;

static inline void crm_stage_reset(crm_stage *s) { s->count = 0; s->used = 0; }

static inline void crm_stage_free(crm_stage *s) {
    free(s->slots);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

/* Appends a slot; returns its index or -1 when out of memory. */
static inline int64_t crm_stage_add(crm_stage *s, int type, int64_t integer, double number) {
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 16;
        crm_slot *slots = realloc(s->slots, capacity * sizeof *slots);
        if (!slots) return -1;
        s->slots = slots;
        s->capacity = capacity;
    }
    crm_slot *slot = &s->slots[s->count];
    slot->type = type;
    slot->count = 0;
    slot->integer = integer;
    slot->number = number;
    slot->length = 0;
    return (int64_t)s->count++;
}

static inline int crm_stage_add_string(crm_stage *s, const char *bytes, size_t length) {
    if (s->used + length > s->size) {
        size_t size = s->size ? s->size : 256;
        while (size < s->used + length) size *= 2;
        char *grown = realloc(s->bytes, size);
        if (!grown) return -1;
        s->bytes = grown;
        s->size = size;
    }
    int64_t index = crm_stage_add(s, CRM_STRING, (int64_t)s->used, 0);
    if (index < 0) return -1;
    if (length) memcpy(s->bytes + s->used, bytes, length);
    s->slots[index].length = length;
    s->used += length;
    return 0;
}

static inline void crm_stage_set_count(crm_stage *s, int64_t index, int count) {
    s->slots[index].count = count;
}

/* ---------------------------------------------------------------------------------------
 * Per-state control block: the allocator's `ud`, reachable from any thread of the state.
 * ------------------------------------------------------------------------------------- */

enum { CRM_RUNNING = 0, CRM_BUDGET = 1, CRM_DEADLINE = 2 };
enum { CRM_HOOK_STEP = 1000 };

typedef int (*crm_dispatch_fn)(void *host, lua_State *L, int id);

typedef struct crm_ctl {
    size_t used, limit;
    int64_t budget, remaining;
    double timeout, deadline;
    int exhausted;          /* CRM_BUDGET or CRM_DEADLINE once spent, until the host resets */
    int violation;          /* a sandbox rule refused something during this call */
    lua_State *main;
    int budget_message, deadline_message; /* registry refs of preallocated messages */
    double pattern_limit;   /* largest estimated matcher work per call */
    size_t pattern_length;  /* longest pattern accepted */
    /* filled by the message handler */
    int err_line;
    size_t err_message_length;
    char err_source[LUA_IDSIZE];
    char err_function[64];
    crm_stage stage;
    crm_dispatch_fn dispatch;
    void *host;
    /* read by the watchdog thread, only through the atomic accessors below */
    uint64_t watch_calls;
    int watch_busy;
} crm_ctl;

/* The host marks each top-level call so a watchdog can see a call that never returns. */
static inline void crm_watch_enter(crm_ctl *c) {
    __atomic_add_fetch(&c->watch_calls, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&c->watch_busy, 1, __ATOMIC_RELEASE);
}
static inline void crm_watch_leave(crm_ctl *c) { __atomic_store_n(&c->watch_busy, 0, __ATOMIC_RELEASE); }
/* Returns the number of the call in progress, or 0 when the state is idle. */
static inline uint64_t crm_watch_sample(crm_ctl *c) {
    if (!__atomic_load_n(&c->watch_busy, __ATOMIC_ACQUIRE)) return 0;
    return __atomic_load_n(&c->watch_calls, __ATOMIC_RELAXED);
}

static inline crm_stage *crm_getstage(crm_ctl *c) { return &c->stage; }

static inline crm_ctl *crm_getctl(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (crm_ctl *)ud;
}

static inline void *crm_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    crm_ctl *c = (crm_ctl *)ud;
    if (ptr == NULL) osize = 0;
    if (nsize == 0) {
        free(ptr);
        c->used -= osize;
        return NULL;
    }
    if (nsize > osize && c->used - osize + nsize > c->limit) return NULL;
    void *p = realloc(ptr, nsize);
    if (p) c->used = c->used - osize + nsize;
    return p;
}

static inline double crm_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Marks a coroutine whose hooks Lua left disabled (an error raised inside the hook). */
static inline void crm_taint(lua_State *L) { *(unsigned char *)lua_getextraspace(L) = 1; }
static inline void crm_untaint(lua_State *L) { *(unsigned char *)lua_getextraspace(L) = 0; }
static inline int crm_tainted(lua_State *L) { return *(unsigned char *)lua_getextraspace(L) != 0; }

/* Once spent, the budget keeps raising on every hook event in every thread, so pcall,
 * nested pcall and coroutines cannot swallow it. */
static inline void crm_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    crm_ctl *c = crm_getctl(L);
    if (c->exhausted == CRM_RUNNING) {
        double now = crm_now();
        /* the clock starts at the first hook event, so a short call never reads it */
        if (c->deadline == 0) c->deadline = now + c->timeout;
        c->remaining -= lua_gethookcount(L);
        if (c->remaining > 0 && now < c->deadline) return;
        c->exhausted = c->remaining > 0 ? CRM_DEADLINE : CRM_BUDGET;
    }
    if (L != c->main) crm_taint(L);
    /* from now on this thread raises before every instruction */
    if (lua_gethookcount(L) != 1) lua_sethook(L, crm_hook, LUA_MASKCOUNT, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX,
                c->exhausted == CRM_BUDGET ? c->budget_message : c->deadline_message);
    lua_error(L);
}

/* Called by the host before each top-level call: one budget across all coroutines. */
static inline void crm_begin(crm_ctl *c) {
    if (lua_gethookcount(c->main) != CRM_HOOK_STEP)
        lua_sethook(c->main, crm_hook, LUA_MASKCOUNT, CRM_HOOK_STEP);
    c->remaining = c->budget;
    c->deadline = 0;
    c->exhausted = CRM_RUNNING;
    c->violation = 0;
    c->err_line = 0;
    c->err_message_length = 0;
    c->err_source[0] = 0;
    c->err_function[0] = 0;
}

static inline void crm_copy(char *dst, size_t size, const char *src) {
    if (!src) src = "";
    strncpy(dst, src, size - 1);
    dst[size - 1] = 0;
}

/* Message handler: records where the error happened and appends a traceback. It never
 * calls metamethods, because for a hook-raised error it runs with hooks off. The line is the
 * plugin's: frames of the host's own glue (chunks named "=crm", loaded as "@=crm") are passed
 * over, but the API function such a frame is (job:run_segmentations) names the error, unless
 * it is a metamethod (the lazy profile lookup). */
static inline int crm_msgh(lua_State *L) {
    crm_ctl *c = crm_getctl(L);
    const char *msg;
    size_t len;
    if (lua_type(L, 1) == LUA_TSTRING) {
        msg = lua_tolstring(L, 1, &len);
    } else {
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        len = strlen(msg);
    }
    lua_Debug ar;
    int named = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sln", &ar) || ar.currentline <= 0) continue;
        if (strcmp(ar.source, "@=crm") == 0) {
            if (!named && ar.name && strcmp(ar.namewhat, "metamethod") != 0) {
                crm_copy(c->err_function, sizeof c->err_function, ar.name);
                named = 1;
            }
            continue;
        }
        c->err_line = ar.currentline;
        crm_copy(c->err_source, sizeof c->err_source, ar.short_src);
        if (!named) crm_copy(c->err_function, sizeof c->err_function, ar.name);
        break;
    }
    c->err_message_length = len;
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Raises a sandbox refusal; the host reports it as LuaError.Kind.sandbox. */
static inline int crm_refuse(lua_State *L, const char *message) {
    crm_getctl(L)->violation = 1;
    return luaL_error(L, "%s", message);
}

/* ---------------------------------------------------------------------------------------
 * Pushing staged values and calling Swift.
 * ------------------------------------------------------------------------------------- */

static inline void crm_push_slot(lua_State *L, const crm_stage *s, size_t *i) {
    const crm_slot *slot = &s->slots[(*i)++];
    luaL_checkstack(L, 3, "values nested too deeply");
    switch (slot->type) {
    case CRM_BOOLEAN: lua_pushboolean(L, (int)slot->integer); break;
    case CRM_INTEGER: lua_pushinteger(L, (lua_Integer)slot->integer); break;
    case CRM_NUMBER: lua_pushnumber(L, slot->number); break;
    case CRM_STRING: lua_pushlstring(L, s->bytes + slot->integer, slot->length); break;
    case CRM_REF: lua_rawgeti(L, LUA_REGISTRYINDEX, slot->integer); break;
    case CRM_TABLE:
        lua_createtable(L, 0, slot->count);
        for (int k = 0; k < slot->count; k++) {
            crm_push_slot(L, s, i);
            crm_push_slot(L, s, i);
            lua_rawset(L, -3);
        }
        break;
    default: lua_pushnil(L); break;
    }
}

/* Pushes every top-level staged value; returns how many. */
static inline int crm_push_stage(lua_State *L, crm_ctl *c) {
    int n = 0;
    size_t i = 0;
    while (i < c->stage.count) {
        crm_push_slot(L, &c->stage, &i);
        n++;
    }
    crm_stage_reset(&c->stage);
    return n;
}

enum { CRM_CALLBACK_ERROR = -1, CRM_CALLBACK_NOMEM = -2 };

/* Lua-visible entry of a Swift function: Swift returns, then C raises if needed. */
static inline int crm_trampoline(lua_State *L) {
    crm_ctl *c = crm_getctl(L);
    int id = (int)lua_tointeger(L, lua_upvalueindex(1));
    int status = c->dispatch(c->host, L, id);
    if (status == CRM_CALLBACK_NOMEM) {
        crm_stage_reset(&c->stage);
        return luaL_error(L, "not enough memory for the results of a host function");
    }
    int n = crm_push_stage(L, c);
    if (status == CRM_CALLBACK_ERROR) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    return n;
}

/* ---------------------------------------------------------------------------------------
 * Protected operations called from Swift. Each body gets a light userdata argument.
 * ------------------------------------------------------------------------------------- */

/* Runs body(ud) under lua_pcall with the message handler; results stay on the stack. */
static inline int crm_protect(lua_State *L, lua_CFunction body, void *ud) {
    if (!lua_checkstack(L, 4)) return LUA_ERRMEM;
    int base = lua_gettop(L);
    lua_pushcfunction(L, crm_msgh);
    lua_pushcfunction(L, body);
    lua_pushlightuserdata(L, ud);
    int status = lua_pcall(L, 1, LUA_MULTRET, base + 1);
    lua_remove(L, base + 1);
    return status;
}

typedef struct crm_call_spec { int function; } crm_call_spec;

static inline int crm_call_body(lua_State *L) {
    crm_call_spec *spec = (crm_call_spec *)lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, spec->function);
    int n = crm_push_stage(L, crm_getctl(L));
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L) - 1;
}

/* Calls the function in registry slot `function` with the staged arguments. */
static inline int crm_call(lua_State *L, int function) {
    crm_call_spec spec = {function};
    return crm_protect(L, crm_call_body, &spec);
}

static inline int crm_ref_body(lua_State *L) {
    int *out = (int *)lua_touserdata(L, 1);
    lua_pushvalue(L, 2);
    *out = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* Stores the value at `index` in the registry; returns LUA_OK or an error status. */
static inline int crm_ref(lua_State *L, int index, int *out) {
    index = lua_absindex(L, index);
    if (!lua_checkstack(L, 3)) return LUA_ERRMEM;
    int base = lua_gettop(L);
    lua_pushcfunction(L, crm_ref_body);
    lua_pushlightuserdata(L, out);
    lua_pushvalue(L, index);
    int status = lua_pcall(L, 2, 0, 0);
    lua_settop(L, base);
    return status;
}

static inline int crm_unref_body(lua_State *L) {
    luaL_unref(L, LUA_REGISTRYINDEX, *(int *)lua_touserdata(L, 1));
    return 0;
}

static inline void crm_unref(lua_State *L, int ref) {
    int base = lua_gettop(L);
    crm_protect(L, crm_unref_body, &ref);
    lua_settop(L, base);
}

typedef struct crm_register_spec { const char *table; const char *name; int id; } crm_register_spec;

static inline int crm_register_body(lua_State *L) {
    crm_register_spec *spec = (crm_register_spec *)lua_touserdata(L, 1);
    /* raw access: a plugin may have put metamethods on _G or on the target table */
    lua_pushglobaltable(L);
    if (spec->table) {
        lua_pushstring(L, spec->table);
        if (lua_rawget(L, -2) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushstring(L, spec->table);
            lua_pushvalue(L, -2);
            lua_rawset(L, -4);
        }
    }
    lua_pushstring(L, spec->name);
    lua_pushinteger(L, spec->id);
    lua_pushcclosure(L, crm_trampoline, 1);
    lua_rawset(L, -3);
    return 0;
}

/* Makes Swift function `id` callable from Lua as `table.name` (or global `name`). */
static inline int crm_register(lua_State *L, const char *table, const char *name, int id) {
    crm_register_spec spec = {table, name, id};
    int base = lua_gettop(L);
    int status = crm_protect(L, crm_register_body, &spec);
    if (status == LUA_OK) lua_settop(L, base);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Records: reusable argument tables whose fields Swift overwrites before each call.
 * ------------------------------------------------------------------------------------- */

typedef struct crm_field {
    int type;       /* CRM_NIL, CRM_BOOLEAN, CRM_INTEGER, CRM_NUMBER or CRM_STRING */
    int dirty;
    int64_t integer;
    double number;
    char *bytes;
    size_t length, capacity;
} crm_field;

typedef struct crm_record {
    int table, keys;  /* registry references */
    int count;
    crm_field *fields;
} crm_record;

static inline int crm_field_set_string(crm_field *f, const char *bytes, size_t length) {
    if (length > f->capacity) {
        size_t capacity = f->capacity ? f->capacity : 16;
        while (capacity < length) capacity *= 2;
        char *grown = realloc(f->bytes, capacity);
        if (!grown) return -1;
        f->bytes = grown;
        f->capacity = capacity;
    }
    if (length) memcpy(f->bytes, bytes, length);
    f->length = length;
    f->type = CRM_STRING;
    f->dirty = 1;
    return 0;
}

static inline void crm_record_free(crm_record *r) {
    for (int i = 0; i < r->count; i++) free(r->fields[i].bytes);
    free(r->fields);
    r->fields = NULL;
    r->count = 0;
}

typedef struct crm_record_spec { const char *const *keys; int count; crm_record *record; } crm_record_spec;

static inline int crm_record_body(lua_State *L) {
    crm_record_spec *spec = (crm_record_spec *)lua_touserdata(L, 1);
    lua_createtable(L, 0, spec->count);
    lua_createtable(L, spec->count, 0);
    for (int i = 0; i < spec->count; i++) {
        lua_pushstring(L, spec->keys[i]);
        lua_rawseti(L, -2, i + 1);
    }
    spec->record->keys = luaL_ref(L, LUA_REGISTRYINDEX);
    spec->record->table = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* Creates the Lua table and interned keys of a record whose fields are already allocated. */
static inline int crm_record_create(lua_State *L, crm_record *record, const char *const *keys) {
    crm_record_spec spec = {keys, record->count, record};
    int base = lua_gettop(L);
    int status = crm_protect(L, crm_record_body, &spec);
    if (status == LUA_OK) lua_settop(L, base);
    return status;
}

/* Pushes the record's table after writing every field Swift changed since the last call. */
static inline void crm_record_push(lua_State *L, crm_record *r) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->table);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->keys);
    for (int i = 0; i < r->count; i++) {
        crm_field *f = &r->fields[i];
        if (!f->dirty) continue;
        lua_rawgeti(L, -1, i + 1);
        switch (f->type) {
        case CRM_BOOLEAN: lua_pushboolean(L, (int)f->integer); break;
        case CRM_INTEGER: lua_pushinteger(L, (lua_Integer)f->integer); break;
        case CRM_NUMBER: lua_pushnumber(L, f->number); break;
        case CRM_STRING: lua_pushlstring(L, f->bytes, f->length); break;
        default: lua_pushnil(L); break;
        }
        lua_rawset(L, -4);
        f->dirty = 0;
    }
    lua_pop(L, 1);
}

typedef struct crm_record_call_spec {
    int function;
    crm_record *record, *context;
    int nresults;
} crm_record_call_spec;

static inline int crm_record_call_body(lua_State *L) {
    crm_record_call_spec *spec = (crm_record_call_spec *)lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, spec->function);
    crm_record_push(L, spec->record);
    int nargs = 1;
    if (spec->context) {
        crm_record_push(L, spec->context);
        nargs = 2;
    }
    lua_call(L, nargs, spec->nresults);
    return spec->nresults;
}

/* The hot path: function(record, context) with exactly `nresults` results on the stack. */
static inline int crm_record_call(lua_State *L, int function, crm_record *record,
                                  crm_record *context, int nresults) {
    crm_record_call_spec spec = {function, record, context, nresults};
    return crm_protect(L, crm_record_call_body, &spec);
}

/* ---------------------------------------------------------------------------------------
 * Sandbox wrappers.
 * ------------------------------------------------------------------------------------- */

/* Calls the wrapped library function (upvalue 1) with this call's arguments. */
static inline int crm_call_original(lua_State *L, int nresults) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, nresults);
    return lua_gettop(L);
}

/* setmetatable refuses __gc: finalizers run with hooks off. Lua marks an object for
 * finalization only when setmetatable sees a __gc field, so a later `mt.__gc = f` on a
 * metatable accepted here never runs. */
static inline int crm_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int has_gc = lua_rawget(L, 2) != LUA_TNIL;
        lua_pop(L, 1);
        if (has_gc) return crm_refuse(L, "sandbox: __gc metamethods are not allowed");
    }
    return crm_call_original(L, LUA_MULTRET);
}

/* load forces text mode and forwards the env argument only when it was given. */
static inline int crm_load(lua_State *L) {
    int n = lua_gettop(L);
    if (n >= 3 && lua_type(L, 3) == LUA_TSTRING && !strchr(lua_tostring(L, 3), 't')) {
        crm_getctl(L)->violation = 1;
        lua_pushnil(L);
        lua_pushliteral(L, "sandbox: binary chunks are not allowed");
        return 2;
    }
    if (n < 3) lua_settop(L, 3);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    return crm_call_original(L, LUA_MULTRET);
}

/* collectgarbage("count") only: the other options run unbounded work in C. */
static inline int crm_collectgarbage(lua_State *L) {
    const char *option = luaL_optstring(L, 1, "collect");
    if (strcmp(option, "count") != 0)
        return crm_refuse(L, "sandbox: only collectgarbage(\"count\") is allowed");
    lua_pushnumber(L, (lua_Number)crm_getctl(L)->used / 1024.0);
    return 1;
}

/* xpcall handler proxy: for a spent budget the user handler would run with hooks off, so
 * the error passes through untouched. */
static inline int crm_xpcall_handler(lua_State *L) {
    if (crm_getctl(L)->exhausted != CRM_RUNNING) return 1;
    return crm_call_original(L, 1);
}

static inline int crm_finish_pcall(lua_State *L, int status, lua_KContext extra) {
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

static inline int crm_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, crm_xpcall_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, crm_finish_pcall);
    return crm_finish_pcall(L, status, 2);
}

/* A coroutine stopped by the hook keeps hooks off forever; its __close handlers must not
 * run, so it is never closed. */
static inline int crm_coroutine_close(lua_State *L) {
    lua_State *co = lua_tothread(L, 1);
    if (co && crm_tainted(co)) {
        lua_pushboolean(L, 0);
        lua_rawgeti(L, LUA_REGISTRYINDEX, crm_getctl(L)->budget_message);
        return 2;
    }
    return crm_call_original(L, LUA_MULTRET);
}

static inline int crm_resume(lua_State *L, lua_State *co, int narg) {
    int nres;
    if (!lua_checkstack(co, narg)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    lua_xmove(L, co, narg);
    int status = lua_resume(co, L, narg, &nres);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1);
    return -1;
}

/* coroutine.wrap as in lcorolib, except that a tainted coroutine is not closed. */
static inline int crm_wrap_call(lua_State *L) {
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    int r = crm_resume(L, co, lua_gettop(L));
    if (r >= 0) return r;
    int status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD && !crm_tainted(co)) {
        lua_resetthread(co);
        lua_xmove(co, L, 1);
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

static inline int crm_coroutine_wrap(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, crm_wrap_call, 1);
    return 1;
}

/* string.rep("", n) loops n times in C without allocating, out of the hook's reach. */
static inline int crm_string_rep(lua_State *L) {
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return crm_call_original(L, 1);
}

enum { CRM_MOVE_LIMIT = 1 << 24 };

/* table.move over a huge empty range loops in C without allocating. */
static inline int crm_table_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    if (e >= f && (lua_Unsigned)e - (lua_Unsigned)f >= CRM_MOVE_LIMIT)
        return crm_refuse(L, "sandbox: table.move of more than 16777216 elements");
    return crm_call_original(L, LUA_MULTRET);
}

/* Position just past a character class starting at p[i] ('[' set, '%x' escape or one char). */
static inline size_t crm_class_end(const char *p, size_t lp, size_t i) {
    if (p[i] == '%') return i + 2;
    if (p[i] != '[') return i + 1;
    i++;
    if (i < lp && p[i] == '^') i++;
    do {
        if (i >= lp) return lp;
        if (p[i] == '%') i++;
        i++;
    } while (i < lp && p[i] != ']');
    return i + 1;
}

/* Worst-case work of the backtracking matcher: every `*`, `+`, `-`, `%b` and back reference
 * can retry at each subject position, every `?` doubles the tries, and an unanchored
 * pattern starts at each position. */
static inline double crm_pattern_cost(const char *p, size_t lp, size_t ls) {
    double n = (double)ls + 1, cost = 1;
    size_t i = 0;
    int anchored = lp > 0 && p[0] == '^';
    if (anchored) i = 1;
    while (i < lp) {
        char ch = p[i];
        if (ch == '(' || ch == ')') { i++; continue; }
        if (ch == '$' && i + 1 == lp) break;
        if (ch == '%' && i + 1 < lp) {
            char k = p[i + 1];
            if (k == 'b') { cost *= n; i += 4; continue; }
            if (k == 'f') { i += 2; if (i < lp) i = crm_class_end(p, lp, i); continue; }
            if (k >= '0' && k <= '9') { cost *= n; i += 2; continue; }
        }
        i = crm_class_end(p, lp, i);
        if (i < lp) {
            char q = p[i];
            if (q == '*' || q == '+' || q == '-') { cost *= n; i++; }
            else if (q == '?') { cost *= 2; i++; }
        }
    }
    return anchored ? cost : cost * n;
}

/* string.find/match/gmatch/gsub: the matcher runs inside one C call that the hook never
 * interrupts, so pathological patterns are refused before they start. Upvalue 1 is the
 * original function, upvalue 2 is true for find (whose 4th argument asks for a plain
 * search). */
static inline int crm_string_match(lua_State *L) {
    crm_ctl *c = crm_getctl(L);
    size_t ls, lp;
    luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int plain = lua_toboolean(L, lua_upvalueindex(2)) && lua_toboolean(L, 4);
    if (!plain && (lp > c->pattern_length || crm_pattern_cost(p, lp, ls) > c->pattern_limit)) {
        c->violation = 1;
        return luaL_error(L, "pattern too complex for a subject of %I bytes", (lua_Integer)ls);
    }
    return crm_call_original(L, LUA_MULTRET);
}

/* Replaces table[name] with closure(f, original, extra upvalues...). Stack: table at -1. */
static inline void crm_wrap_field(lua_State *L, const char *name, lua_CFunction f, int is_find) {
    lua_getfield(L, -1, name);
    int upvalues = 1;
    if (is_find >= 0) {
        lua_pushboolean(L, is_find);
        upvalues = 2;
    }
    lua_pushcclosure(L, f, upvalues);
    lua_setfield(L, -2, name);
}

static inline void crm_remove_field(lua_State *L, const char *name) {
    lua_pushnil(L);
    lua_setfield(L, -2, name);
}

static inline int crm_sandbox_body(lua_State *L) {
    crm_ctl *c = crm_getctl(L);
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},         {LUA_COLIBNAME, luaopen_coroutine},
        {LUA_TABLIBNAME, luaopen_table},   {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math},   {LUA_UTF8LIBNAME, luaopen_utf8},
        {NULL, NULL}};
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    lua_pushfstring(L, "instruction budget of %I exceeded", (lua_Integer)c->budget);
    c->budget_message = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushfstring(L, "time limit of %f s exceeded", c->timeout);
    c->deadline_message = luaL_ref(L, LUA_REGISTRYINDEX);

    lua_pushglobaltable(L);
    crm_remove_field(L, "dofile");
    crm_remove_field(L, "loadfile");
    crm_remove_field(L, "print");
    crm_wrap_field(L, "load", crm_load, -1);
    crm_wrap_field(L, "setmetatable", crm_setmetatable, -1);
    crm_wrap_field(L, "xpcall", crm_xpcall, -1);
    lua_pushcfunction(L, crm_collectgarbage);
    lua_setfield(L, -2, "collectgarbage");

    lua_getfield(L, -1, LUA_COLIBNAME);
    crm_wrap_field(L, "close", crm_coroutine_close, -1);
    lua_pushcfunction(L, crm_coroutine_wrap);
    lua_setfield(L, -2, "wrap");
    lua_pop(L, 1);

    lua_getfield(L, -1, LUA_TABLIBNAME);
    crm_wrap_field(L, "move", crm_table_move, -1);
    lua_pop(L, 1);

    lua_getfield(L, -1, LUA_STRLIBNAME);
    crm_remove_field(L, "dump");  /* from the real table: ("").dump reaches it */
    crm_wrap_field(L, "rep", crm_string_rep, -1);
    crm_wrap_field(L, "find", crm_string_match, 1);
    crm_wrap_field(L, "match", crm_string_match, 0);
    crm_wrap_field(L, "gmatch", crm_string_match, 0);
    crm_wrap_field(L, "gsub", crm_string_match, 0);
    lua_pop(L, 1);

    /* lock the string metatable: getmetatable("") returns false */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 3);
    return 0;
}

/* Opens the allowed libraries, removes the dangerous functions and installs the hook. */
static inline int crm_sandbox(lua_State *L) {
    crm_ctl *c = crm_getctl(L);
    c->main = L;
    crm_untaint(L);  /* new threads copy the main thread's extra space */
    int base = lua_gettop(L);
    int status = crm_protect(L, crm_sandbox_body, NULL);
    lua_settop(L, base);
    if (status == LUA_OK) lua_sethook(L, crm_hook, LUA_MASKCOUNT, CRM_HOOK_STEP);
    return status;
}

#endif
