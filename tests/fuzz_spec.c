/* libFuzzer target for the text parsers that are not files (make fuzz): the first line of
 * the input is a field spec (-f), a mix schedule, a metric list (--metrics) and a bandwidth
 * rule (-b) all at once; the lines after it are NAME=VALUE field and metric options
 * (--temps, --ratio-clip, ...). Each must parse or fail with an error, and a spec that
 * parses must build a field (or refuse its options), never crash, leak or read out of
 * bounds. */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"

/* Field and metric options from the NAME=VALUE lines of text. */
static void apply_options(char *text, gfd_settings *fs, gfd_settings *ms)
{
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (eq)
            *eq = '\0';
        gfd_err err;
        gfd_field_setting(fs, line, eq ? eq + 1 : NULL, &err);
        gfd_metric_setting(ms, line, eq ? eq + 1 : NULL, &err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *rest = strchr(text, '\n');
    if (rest)
        *rest++ = '\0';
    gfd_err err;
    gfd_settings fs, ms;
    gfd_settings_init(&fs), gfd_settings_init(&ms);
    if (rest)
        apply_options(rest, &fs, &ms);
    gfd_field_spec spec;
    if (gfd_field_parse(text, &spec, &err) == 0) {
        gfd_field_free(gfd_field_new(&spec, &fs, NULL, &err));
        gfd_field_free(gfd_field_new(&spec, &fs, gfd_geometry_sphere(), &err));
    }
    gfd_flow_opts flow;
    gfd_flow_opts_default(&flow, &(gfd_bw_rule){GFD_BW_SCOTT, 0});
    gfd_flow_parse_mix(text, &spec, &flow, &err);
    gfd_metric_names_check(text, &err);
    gfd_bw_rule rule;
    gfd_bw_parse(text, &rule, &err);
    free(text);
    return 0;
}
