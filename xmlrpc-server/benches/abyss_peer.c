/* xmlrpc-c's Abyss server as a peer of the load benchmark (benches/load.rs compiles it when
 * Debian's libxmlrpc-core-c3-dev is installed). Usage: abyss_peer PORT */
#include <stdio.h>
#include <stdlib.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/server.h>
#include <xmlrpc-c/server_abyss.h>

static xmlrpc_value *add(xmlrpc_env *env, xmlrpc_value *params, void *server, void *call) {
    xmlrpc_int32 a, b;
    (void)server;
    (void)call;
    xmlrpc_decompose_value(env, params, "(ii)", &a, &b);
    if (env->fault_occurred)
        return NULL;
    return xmlrpc_build_value(env, "i", a + b);
}

static xmlrpc_value *echo(xmlrpc_env *env, xmlrpc_value *params, void *server, void *call) {
    xmlrpc_value *value;
    (void)server;
    (void)call;
    xmlrpc_array_read_item(env, params, 0, &value);
    return env->fault_occurred ? NULL : value;
}

int main(int argc, char **argv) {
    xmlrpc_env env;
    xmlrpc_server_abyss_parms parms = {0};
    struct xmlrpc_method_info3 methods[] = {
        {"add", &add, NULL, 0, NULL, NULL},
        {"echo", &echo, NULL, 0, NULL, NULL},
        {"echo_ints", &echo, NULL, 0, NULL, NULL},
    };
    xmlrpc_registry *registry;
    size_t i;

    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    xmlrpc_env_init(&env);
    xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, 4 * 1024 * 1024);
    registry = xmlrpc_registry_new(&env);
    for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
        xmlrpc_registry_add_method3(&env, registry, &methods[i]);
    if (env.fault_occurred) {
        fprintf(stderr, "registry: %s\n", env.fault_string);
        return 1;
    }
    parms.registryP = registry;
    parms.port_number = (unsigned int)atoi(argv[1]);
    parms.keepalive_timeout = 30;
    parms.keepalive_max_conn = 1000000;
    parms.timeout = 30;
    parms.dont_advertise = 1;
    parms.uri_path = "/RPC2";
    parms.max_conn = 128;
    parms.max_conn_backlog = 256;
    xmlrpc_server_abyss(&env, &parms, XMLRPC_APSIZE(max_conn_backlog));
    if (env.fault_occurred) {
        fprintf(stderr, "abyss: %s\n", env.fault_string);
        return 1;
    }
    return 0;
}
