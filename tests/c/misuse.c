/*
 * Misuse of the exsync C ABI: NULL everywhere, invalid UTF-8, calls in the wrong order, buffers too
 * small, free(NULL), out-of-range numbers, bad JSON. Every call must fail with the documented code and
 * a message naming the problem, never crash or leak. Run under valgrind (or AddressSanitizer) by
 * scripts/test-c. Use after free and double free are undefined behaviour and are not exercised.
 *
 * Prints "N passed, N failed" and exits non-zero when a check failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exsync.h"

static int passed = 0, failed = 0;

static void last_message(char *buf, size_t size) {
    size_t len = 0;
    if (exsync_last_error_message(buf, size, &len) != EXSYNC_OK) snprintf(buf, size, "(unreadable, %zu bytes)", len);
}

/* Checks that `rc` is `expected` and, for an error, that the last error agrees and mentions `needle`. */
static void expect(int line, exsync_result rc, exsync_result expected, const char *needle) {
    char message[2048];
    last_message(message, sizeof message);
    int ok = rc == expected && exsync_last_error_code() == expected;
    if (ok && expected != EXSYNC_OK && needle != NULL && strstr(message, needle) == NULL) ok = 0;
    if (ok && expected == EXSYNC_OK && message[0] != '\0') ok = 0;
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "misuse.c:%d: got %s, expected %s mentioning \"%s\"; message: %s\n", line,
                exsync_result_name(rc), exsync_result_name(expected), needle ? needle : "", message);
    }
}

static void truth(int line, int condition, const char *what) {
    if (condition) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "misuse.c:%d: %s\n", line, what);
    }
}

#define EXPECT(call, code, needle) expect(__LINE__, (call), (code), (needle))
#define TRUE(cond) truth(__LINE__, (cond), #cond)

static const char *SIM = "{\"domains\": [\"contoso.com\"], \"service_account\": \"svc@contoso.com\","
                         " \"password\": \"Passw0rd!\", \"mailboxes\": [\"alice@contoso.com\"]}";

static void progress_calls_back(void *userdata, const char *event_json) {
    exsync_engine *engine = userdata;
    (void)event_json;
    /* A callback may not call into its own engine: refused, not deadlocked. */
    size_t len = 0;
    exsync_result rc = exsync_engine_users(engine, NULL, 0, &len);
    if (rc != EXSYNC_ERR_WRONG_STATE) {
        failed++;
        fprintf(stderr, "re-entry from the progress callback gave %s\n", exsync_result_name(rc));
    } else {
        passed++;
    }
}

int main(void) {
    /* free(NULL) does nothing and clears nothing it should not. */
    exsync_setup_free(NULL);
    exsync_engine_free(NULL);
    exsync_simulator_free(NULL);
    EXPECT(exsync_last_error_code(), EXSYNC_OK, NULL);

    /* Constructors: NULL out-pointers and arguments. */
    EXPECT(exsync_setup_new(NULL), EXSYNC_ERR_NULL_ARGUMENT, "out must not be NULL");
    exsync_setup *bad_setup = (exsync_setup *)0x1;
    EXPECT(exsync_setup_new_for_profile(NULL, &bad_setup), EXSYNC_ERR_NULL_ARGUMENT, "profile");
    TRUE(bad_setup == NULL);
    EXPECT(exsync_setup_new_for_profile("no spaces allowed", &bad_setup), EXSYNC_ERR_INVALID_ARGUMENT, "profile");
    exsync_engine *bad_engine = NULL;
    EXPECT(exsync_engine_open(NULL, &bad_engine), EXSYNC_ERR_NULL_ARGUMENT, "path");
    EXPECT(exsync_engine_open(":memory:", NULL), EXSYNC_ERR_NULL_ARGUMENT, "out");
    EXPECT(exsync_engine_open("/nonexistent/dir/state.db", &bad_engine), EXSYNC_ERR_STORE, "state.db");
    TRUE(bad_engine == NULL);
    exsync_simulator *bad_sim = NULL;
    EXPECT(exsync_simulator_start(NULL, &bad_sim), EXSYNC_ERR_NULL_ARGUMENT, "config_json");
    EXPECT(exsync_simulator_start("{\"domains\": [", &bad_sim), EXSYNC_ERR_INVALID_JSON, "config_json");
    EXPECT(exsync_simulator_start("{\"domains\": [\"contoso.com\"], \"service_account\": \"svc@contoso.com\","
                                  " \"password\": \"Hunter2-secret\", \"surprise\": 1}",
                                  &bad_sim),
           EXSYNC_ERR_INVALID_JSON, "line 1");
    char message[2048];
    last_message(message, sizeof message);
    TRUE(strstr(message, "Hunter2-secret") == NULL);
    TRUE(bad_sim == NULL);

    /* Every handle argument NULL. */
    uint32_t step = 0;
    int flag = 0;
    size_t len = 0;
    char buf[256];
    uint64_t seq = 0;
    EXPECT(exsync_setup_current_step(NULL, &step), EXSYNC_ERR_NULL_ARGUMENT, "setup");
    EXPECT(exsync_setup_set_user_name(NULL, "svc@contoso.com"), EXSYNC_ERR_NULL_ARGUMENT, "setup");
    EXPECT(exsync_setup_validate(NULL, &flag), EXSYNC_ERR_NULL_ARGUMENT, "setup");
    EXPECT(exsync_setup_state(NULL, buf, sizeof buf, &len), EXSYNC_ERR_NULL_ARGUMENT, "setup");
    EXPECT(exsync_engine_enrol(NULL, "alice@contoso.com", NULL), EXSYNC_ERR_NULL_ARGUMENT, "engine");
    EXPECT(exsync_engine_sync(NULL, "alice@contoso.com", EXSYNC_KIND_ALL), EXSYNC_ERR_NULL_ARGUMENT, "engine");
    EXPECT(exsync_engine_pending(NULL, "alice@contoso.com", 10, buf, sizeof buf, &len), EXSYNC_ERR_NULL_ARGUMENT, "engine");
    EXPECT(exsync_simulator_ews_url(NULL, buf, sizeof buf, &len), EXSYNC_ERR_NULL_ARGUMENT, "sim");
    EXPECT(exsync_simulator_stop(NULL), EXSYNC_ERR_NULL_ARGUMENT, "sim");

    /* The setup flow: wrong order, NULL and invalid UTF-8 strings, numbers out of range. */
    exsync_setup *setup = NULL;
    EXPECT(exsync_setup_new(&setup), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_password(setup, "pw"), EXSYNC_ERR_SETUP_STEP, "complete the sync scope step first");
    EXPECT(exsync_setup_back(setup), EXSYNC_ERR_SETUP_STEP, "no step before");
    EXPECT(exsync_setup_set_sync_scope(setup, 4), EXSYNC_ERR_INVALID_ARGUMENT, "kinds");
    EXPECT(exsync_setup_set_sync_scope(setup, 0), EXSYNC_ERR_SETUP_INVALID_INPUT, "sync scope");
    EXPECT(exsync_setup_set_sync_scope(setup, EXSYNC_KIND_CONTACTS), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_connection_method(setup, 99), EXSYNC_ERR_INVALID_ARGUMENT, "method");
    EXPECT(exsync_setup_set_connection_method(setup, EXSYNC_METHOD_BASIC), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_user_name(setup, NULL), EXSYNC_ERR_NULL_ARGUMENT, "user_name");
    EXPECT(exsync_setup_set_user_name(setup, "svc\xff\xfe@contoso.com"), EXSYNC_ERR_INVALID_UTF8, "user_name");
    EXPECT(exsync_setup_set_user_name(setup, "svc@contoso.com"), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_password(setup, "\xc3\x28"), EXSYNC_ERR_INVALID_UTF8, "password");
    EXPECT(exsync_setup_set_password(setup, "Passw0rd!"), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_oauth_app(setup, "{}"), EXSYNC_ERR_INVALID_JSON, "app_json");
    EXPECT(exsync_setup_set_additional_domains(setup, "fabrikam.com, bad domain"), EXSYNC_ERR_SETUP_INVALID_INPUT,
           "bad domain");
    EXPECT(exsync_setup_set_additional_domains(setup, ""), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_go_to(setup, 0), EXSYNC_ERR_INVALID_ARGUMENT, "step");
    EXPECT(exsync_setup_go_to(setup, 8), EXSYNC_ERR_INVALID_ARGUMENT, "step");
    EXPECT(exsync_setup_go_to(setup, EXSYNC_STEP_SAVE), EXSYNC_ERR_SETUP_STEP, "validate step first");
    EXPECT(exsync_setup_run_validation(setup, &flag), EXSYNC_ERR_WRONG_STATE, "exsync_setup_start_validation");
    EXPECT(exsync_setup_run_validation(setup, NULL), EXSYNC_ERR_NULL_ARGUMENT, "out_passed");
    EXPECT(exsync_setup_start_validation(setup), EXSYNC_ERR_SETUP_INVALID_INPUT, "test mailbox");
    EXPECT(exsync_setup_set_validation_target(setup, "alice@contoso.com", "ftp://mail.contoso.com/EWS"),
           EXSYNC_ERR_SETUP_INVALID_INPUT, "EWS URL");
    EXPECT(exsync_setup_validation_report(setup, buf, sizeof buf, &len), EXSYNC_ERR_WRONG_STATE, "not run");
    EXPECT(exsync_setup_saved_config(setup, buf, sizeof buf, &len), EXSYNC_ERR_WRONG_STATE, "not been saved");

    /* Buffers: too small, NULL with a size, exactly enough, no out_len. */
    char tiny[4] = {'x', 'x', 'x', 'x'};
    EXPECT(exsync_setup_state(setup, tiny, sizeof tiny, &len), EXSYNC_ERR_BUFFER_TOO_SMALL, "bytes");
    TRUE(len > sizeof tiny && tiny[0] == '\0');
    size_t needed = len;
    EXPECT(exsync_setup_state(setup, NULL, 10, &len), EXSYNC_ERR_NULL_ARGUMENT, "buf");
    char *exact = malloc(needed + 1);
    EXPECT(exsync_setup_state(setup, exact, needed, &len), EXSYNC_ERR_BUFFER_TOO_SMALL, "needed");
    EXPECT(exsync_setup_state(setup, exact, needed + 1, &len), EXSYNC_OK, NULL);
    TRUE(len == needed && strlen(exact) == needed && exact[0] == '{');
    TRUE(strstr(exact, "Passw0rd!") == NULL);
    EXPECT(exsync_setup_state(setup, exact, needed + 1, NULL), EXSYNC_OK, NULL);
    free(exact);
    /* The last error's message survives reading it with too small a buffer. */
    EXPECT(exsync_setup_go_to(setup, 0), EXSYNC_ERR_INVALID_ARGUMENT, "step");
    TRUE(exsync_last_error_message(tiny, sizeof tiny, &len) == EXSYNC_ERR_BUFFER_TOO_SMALL);
    TRUE(exsync_last_error_code() == EXSYNC_ERR_INVALID_ARGUMENT);
    exsync_setup_free(setup);

    /* The engine: wrong order, bad JSON, bad kinds. */
    exsync_engine *engine = NULL;
    EXPECT(exsync_engine_open(":memory:", &engine), EXSYNC_OK, NULL);
    const char *change = "{\"app_id\": \"crm-1\", \"op\": {\"upsert\": {\"kind\": \"contact\", \"given_name\": \"Ann\"}}}";
    EXPECT(exsync_engine_report(engine, "alice@contoso.com", EXSYNC_KIND_CONTACTS, change, &seq), EXSYNC_ERR_NOT_ENROLLED,
           "alice@contoso.com");
    EXPECT(exsync_engine_sync(engine, "alice@contoso.com", EXSYNC_KIND_ALL), EXSYNC_ERR_WRONG_STATE, "exsync_engine_connect");
    EXPECT(exsync_engine_last_sync_report(engine, buf, sizeof buf, &len), EXSYNC_ERR_WRONG_STATE, "no sync");
    EXPECT(exsync_engine_enrol(engine, "alice@contoso.com", "[1"), EXSYNC_ERR_INVALID_JSON, "settings_json");
    EXPECT(exsync_engine_enrol(engine, "alice@contoso.com", NULL), EXSYNC_OK, NULL);
    EXPECT(exsync_engine_report(engine, "alice@contoso.com", 7, change, &seq), EXSYNC_ERR_INVALID_ARGUMENT, "kind");
    EXPECT(exsync_engine_report(engine, "alice@contoso.com", EXSYNC_KIND_EVENTS, change, &seq), EXSYNC_ERR_SYNC_WRONG_KIND,
           "contact");
    EXPECT(exsync_engine_report(engine, "alice@contoso.com", EXSYNC_KIND_CONTACTS, "{\"op\": \"delete\"}", &seq),
           EXSYNC_ERR_INVALID_JSON, "app_id");
    EXPECT(exsync_engine_report(engine, "alice@contoso.com", EXSYNC_KIND_CONTACTS, change, NULL), EXSYNC_ERR_NULL_ARGUMENT,
           "out_seq");
    EXPECT(exsync_engine_report(engine, "alice@contoso.com", EXSYNC_KIND_CONTACTS, change, &seq), EXSYNC_OK, NULL);
    EXPECT(exsync_engine_user_settings(engine, "bob@contoso.com", buf, sizeof buf, &len), EXSYNC_ERR_NOT_ENROLLED, "bob");
    EXPECT(exsync_engine_ack(engine, "alice@contoso.com", 999, NULL, &flag), EXSYNC_OK, NULL);
    TRUE(flag == 0);
    /* Saving: before validation, with a key of the wrong length, nothing saved to reopen. */
    unsigned char key[32] = {1};
    exsync_setup *unsaved = NULL;
    EXPECT(exsync_setup_new(&unsaved), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_save(unsaved, engine, key, sizeof key), EXSYNC_ERR_SETUP_STEP, "cannot be reached");
    EXPECT(exsync_setup_save(unsaved, NULL, key, sizeof key), EXSYNC_ERR_NULL_ARGUMENT, "engine");
    EXPECT(exsync_setup_save(unsaved, engine, NULL, 32), EXSYNC_ERR_NULL_ARGUMENT, "key");
    EXPECT(exsync_setup_set_sync_scope(unsaved, EXSYNC_KIND_ALL), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_connection_method(unsaved, EXSYNC_METHOD_NTLM), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_user_name(unsaved, "svc@contoso.com"), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_password(unsaved, "Passw0rd!"), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_additional_domains(unsaved, ""), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_save(unsaved, engine, key, sizeof key), EXSYNC_ERR_SETUP_VALIDATION_REQUIRED, "not been validated");
    exsync_setup_free(unsaved);
    exsync_setup *reopened = (exsync_setup *)0x1;
    EXPECT(exsync_setup_open_saved(engine, key, 31, &reopened), EXSYNC_ERR_INVALID_ARGUMENT, "32 bytes");
    TRUE(reopened == NULL);
    EXPECT(exsync_setup_open_saved(engine, key, sizeof key, &reopened), EXSYNC_ERR_SETUP_CONFIG, "no setup");
    EXPECT(exsync_engine_connect(engine, key, sizeof key), EXSYNC_ERR_SETUP_CONFIG, "no setup");
    EXPECT(exsync_engine_status(engine, "nobody@contoso.com", buf, sizeof buf, &len), EXSYNC_ERR_NOT_ENROLLED, "nobody");
    EXPECT(exsync_engine_status(engine, "alice@contoso.com", tiny, sizeof tiny, &len), EXSYNC_ERR_BUFFER_TOO_SMALL, "bytes");
    EXPECT(exsync_engine_set_progress(engine, progress_calls_back, engine), EXSYNC_OK, NULL);
    EXPECT(exsync_engine_set_progress(engine, NULL, NULL), EXSYNC_OK, NULL);
    exsync_engine_free(engine);

    /* The simulator: wrong order after stop, too-small buffer, unknown mailbox. */
    exsync_simulator *sim = NULL;
    EXPECT(exsync_simulator_start(SIM, &sim), EXSYNC_OK, NULL);
    EXPECT(exsync_simulator_ews_url(sim, tiny, sizeof tiny, &len), EXSYNC_ERR_BUFFER_TOO_SMALL, "bytes");
    TRUE(len > 20);
    EXPECT(exsync_simulator_create_item(sim, "nobody@contoso.com", "{\"kind\": \"contact\"}"), EXSYNC_ERR_SIM_MAILBOX,
           "nobody@contoso.com");
    EXPECT(exsync_simulator_create_item(sim, "alice@contoso.com", "{\"kind\": \"robot\"}"), EXSYNC_ERR_INVALID_JSON,
           "record_json");
    EXPECT(exsync_simulator_items(sim, "alice@contoso.com", 0, buf, sizeof buf, &len), EXSYNC_ERR_INVALID_ARGUMENT, "kind");
    EXPECT(exsync_simulator_delete_item(sim, "alice@contoso.com", "not-an-id"), EXSYNC_ERR_SIM_MAILBOX, "alice");
    /* A connected engine: wrong key, enrolling a mailbox that cannot be impersonated, a progress
     * callback that calls back into its engine (refused, not deadlocked). */
    char url[256];
    EXPECT(exsync_simulator_ews_url(sim, url, sizeof url, &len), EXSYNC_OK, NULL);
    exsync_setup *setup2 = NULL;
    EXPECT(exsync_setup_new(&setup2), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_sync_scope(setup2, EXSYNC_KIND_CONTACTS), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_connection_method(setup2, EXSYNC_METHOD_BASIC), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_user_name(setup2, "svc@contoso.com"), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_password(setup2, "Passw0rd!"), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_additional_domains(setup2, ""), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_allow_http_loopback(setup2, 1), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_set_validation_target(setup2, "alice@contoso.com", url), EXSYNC_OK, NULL);
    EXPECT(exsync_setup_validate(setup2, &flag), EXSYNC_OK, NULL);
    TRUE(flag == 1);
    exsync_engine *connected = NULL;
    EXPECT(exsync_engine_open(":memory:", &connected), EXSYNC_OK, NULL);
    unsigned char key2[32] = {9, 9, 9};
    unsigned char wrong_key[32] = {8};
    EXPECT(exsync_setup_save(setup2, connected, key2, sizeof key2), EXSYNC_OK, NULL);
    exsync_setup_free(setup2);
    EXPECT(exsync_engine_connect(connected, wrong_key, sizeof wrong_key), EXSYNC_ERR_SECRET_STORE, "key");
    EXPECT(exsync_engine_sync(connected, "alice@contoso.com", EXSYNC_KIND_CONTACTS), EXSYNC_ERR_WRONG_STATE, "connect");
    EXPECT(exsync_engine_connect(connected, key2, sizeof key2), EXSYNC_OK, NULL);
    EXPECT(exsync_engine_enrol(connected, "ghost@contoso.com", NULL), EXSYNC_ERR_ENROLMENT, "ghost@contoso.com");
    EXPECT(exsync_engine_enrol(connected, "eve@fabrikam.com", NULL), EXSYNC_ERR_ENROLMENT, "fabrikam.com");
    EXPECT(exsync_engine_enrol(connected, "alice@contoso.com", NULL), EXSYNC_OK, NULL);
    EXPECT(exsync_engine_sync(connected, "alice@contoso.com", 0), EXSYNC_ERR_INVALID_ARGUMENT, "kinds");
    EXPECT(exsync_engine_sync(connected, "bob@contoso.com", EXSYNC_KIND_CONTACTS), EXSYNC_ERR_NOT_ENROLLED, "bob");
    int before = passed;
    EXPECT(exsync_engine_set_progress(connected, progress_calls_back, connected), EXSYNC_OK, NULL);
    EXPECT(exsync_engine_sync(connected, "alice@contoso.com", EXSYNC_KIND_CONTACTS), EXSYNC_OK, NULL);
    TRUE(passed - before > 3); /* the callback ran and was refused each time it called back */
    exsync_engine_free(connected);

    EXPECT(exsync_simulator_stop(sim), EXSYNC_OK, NULL);
    EXPECT(exsync_simulator_stop(sim), EXSYNC_ERR_WRONG_STATE, "already stopped");
    EXPECT(exsync_simulator_ews_url(sim, buf, sizeof buf, &len), EXSYNC_ERR_WRONG_STATE, "stopped");
    exsync_simulator_free(sim);

    /* Names of codes. */
    TRUE(strcmp(exsync_result_name(EXSYNC_ERR_WRONG_STATE), "EXSYNC_ERR_WRONG_STATE") == 0);
    TRUE(strcmp(exsync_result_name(EXSYNC_ERR_UNSUPPORTED), "EXSYNC_ERR_UNSUPPORTED") == 0);
    TRUE(strcmp(exsync_result_name(12345), "EXSYNC_ERR_UNKNOWN") == 0);
    TRUE(strcmp(exsync_version(), EXSYNC_VERSION_STRING) == 0);

    printf("misuse: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
