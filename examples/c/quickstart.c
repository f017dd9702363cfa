/*
 * exsync quickstart in C: starts a simulated Exchange server, walks the admin's setup flow against
 * it (validation included), saves the setup into a SQLite state store, enrols a user, and syncs both
 * ways: a contact from the application goes to Exchange, a contact made in "Outlook" comes back.
 *
 *   cargo build && gcc -Iinclude examples/c/quickstart.c -Ltarget/debug -lexsync -o quickstart
 *   LD_LIBRARY_PATH=target/debug ./quickstart
 *
 * Exits non-zero, printing the error code and message, when any call fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exsync.h"

static void check(exsync_result rc, const char *what) {
    if (rc == EXSYNC_OK) return;
    char message[1024];
    size_t len = 0;
    if (exsync_last_error_message(message, sizeof message, &len) != EXSYNC_OK) {
        snprintf(message, sizeof message, "(message of %zu bytes)", len);
    }
    fprintf(stderr, "%s failed: %s (%d): %s\n", what, exsync_result_name(rc), (int)rc, message);
    exit(1);
}

/* Reads a text result by the required-length protocol into a malloc'd string. */

static char *read_text(exsync_result (*get)(const void *, char *, size_t, size_t *), const void *handle,
                       const char *what) {
    size_t len = 0;
    exsync_result rc = get(handle, NULL, 0, &len);
    if (rc != EXSYNC_ERR_BUFFER_TOO_SMALL) check(rc, what);
    char *buf = malloc(len + 1);
    check(get(handle, buf, len + 1, &len), what);
    return buf;
}

static exsync_result sim_url(const void *h, char *b, size_t n, size_t *l) { return exsync_simulator_ews_url(h, b, n, l); }
static exsync_result report_of(const void *h, char *b, size_t n, size_t *l) { return exsync_setup_validation_report(h, b, n, l); }
static exsync_result sync_report(const void *h, char *b, size_t n, size_t *l) { return exsync_engine_last_sync_report(h, b, n, l); }

static const char *USER = "alice@contoso.com";

static exsync_result pending_of(const void *h, char *b, size_t n, size_t *l) { return exsync_engine_pending(h, USER, 100, b, n, l); }
static exsync_result alice_contacts(const void *h, char *b, size_t n, size_t *l) {
    return exsync_simulator_items(h, USER, EXSYNC_KIND_CONTACTS, b, n, l);
}

static void on_progress(void *userdata, const char *event_json) {
    int *events = userdata;
    *events += 1;
    printf("  progress: %.100s%s\n", event_json, strlen(event_json) > 100 ? "..." : "");
}

int main(void) {
    printf("exsync %s (header %s)\n", exsync_version(), EXSYNC_VERSION_STRING);
    if (strcmp(exsync_version(), EXSYNC_VERSION_STRING) != 0) {
        fprintf(stderr, "the library and the header differ\n");
        return 1;
    }

    /* 1. A simulated Exchange: one domain, a service account allowed to impersonate, one mailbox. */
    exsync_simulator *sim = NULL;
    check(exsync_simulator_start("{\"domains\": [\"contoso.com\"], \"service_account\": \"svc@contoso.com\","
                                 " \"password\": \"Passw0rd!\", \"mailboxes\": [\"alice@contoso.com\"]}",
                                 &sim),
          "exsync_simulator_start");
    char *ews_url = read_text(sim_url, sim, "exsync_simulator_ews_url");
    printf("simulator: %s\n", ews_url);

    /* 2. The admin's setup flow, step by step. */
    exsync_setup *setup = NULL;
    check(exsync_setup_new(&setup), "exsync_setup_new");
    check(exsync_setup_set_sync_scope(setup, EXSYNC_KIND_CONTACTS | EXSYNC_KIND_EVENTS), "step 1");
    check(exsync_setup_set_connection_method(setup, EXSYNC_METHOD_NTLM), "step 2");
    check(exsync_setup_set_user_name(setup, "contoso.com\\svc"), "step 3");
    check(exsync_setup_set_password(setup, "Passw0rd!"), "step 4");
    check(exsync_setup_set_additional_domains(setup, ""), "step 5");
    check(exsync_setup_set_allow_http_loopback(setup, 1), "allow plain HTTP to the simulator");
    check(exsync_setup_set_validation_target(setup, USER, ews_url), "step 6 target");
    int passed = 0;
    check(exsync_setup_validate(setup, &passed), "step 6 validate");
    char *report = read_text(report_of, setup, "exsync_setup_validation_report");
    printf("validation %s; report: %.300s...\n", passed ? "passed" : "FAILED", report);
    free(report);
    if (!passed) return 1;

    /* 3. Save the setup into the state store, secrets sealed under the host's 32-byte key. */
    unsigned char key[32];
    for (int i = 0; i < 32; i++) key[i] = (unsigned char)(i * 7 + 1); /* use the OS keychain in real life */
    exsync_engine *engine = NULL;
    check(exsync_engine_open(":memory:", &engine), "exsync_engine_open");
    check(exsync_setup_save(setup, engine, key, sizeof key), "step 7 save");
    exsync_setup_free(setup);

    /* 4. Connect, enrol Alice, report a contact, and sync. */
    check(exsync_engine_connect(engine, key, sizeof key), "exsync_engine_connect");
    check(exsync_engine_enrol(engine, USER, NULL), "exsync_engine_enrol");
    int events = 0;
    check(exsync_engine_set_progress(engine, on_progress, &events), "exsync_engine_set_progress");
    uint64_t seq = 0;
    check(exsync_engine_report(engine, USER, EXSYNC_KIND_CONTACTS,
                               "{\"app_id\": \"crm-1\", \"op\": {\"upsert\": {\"kind\": \"contact\","
                               " \"given_name\": \"Ann\", \"surname\": \"Lee\"}}}",
                               &seq),
          "exsync_engine_report");
    check(exsync_simulator_create_item(sim, USER, "{\"kind\": \"contact\", \"given_name\": \"Dana\", \"surname\": \"Ruiz\"}"),
          "exsync_simulator_create_item (Outlook side)");
    check(exsync_engine_sync(engine, USER, EXSYNC_KIND_ALL), "exsync_engine_sync");
    char *reports = read_text(sync_report, engine, "exsync_engine_last_sync_report");
    printf("sync: %s\n", reports);
    free(reports);

    /* 5. Exchange's side now has Ann; the application gets Dana, applies and acknowledges her. */
    char *items = read_text(alice_contacts, sim, "exsync_simulator_items");
    printf("Alice's contacts in Exchange: %s\n", items);
    int ann_there = strstr(items, "\"Ann\"") != NULL;
    free(items);
    char *pending = read_text(pending_of, engine, "exsync_engine_pending");
    printf("pending for the application: %s\n", pending);
    int dana_here = strstr(pending, "\"Dana\"") != NULL;
    const char *seq_at = strstr(pending, "\"seq\":");
    if (seq_at != NULL) {
        int acknowledged = 0;
        check(exsync_engine_ack(engine, USER, strtoull(seq_at + 6, NULL, 10), "v1", &acknowledged), "exsync_engine_ack");
        printf("acknowledged: %d\n", acknowledged);
    }
    free(pending);
    printf("progress events: %d\n", events);

    exsync_engine_free(engine);
    check(exsync_simulator_stop(sim), "exsync_simulator_stop");
    exsync_simulator_free(sim);
    free(ews_url);
    if (!ann_there || !dana_here || events == 0) {
        fprintf(stderr, "the round trip is incomplete (Ann in Exchange: %d, Dana delivered: %d, events: %d)\n",
                ann_there, dana_here, events);
        return 1;
    }
    printf("quickstart: OK\n");
    return 0;
}
