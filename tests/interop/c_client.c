/* The C library xmlrpc-c against our interop server. Usage: c_client URL */
#include <stdio.h>
#include <string.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/client.h>

static int passed, failed;

static void check(const char *name, int ok) {
    if (ok) passed++;
    else { failed++; printf("FAIL %s\n", name); }
}

static int fault_free(xmlrpc_env *env, const char *name) {
    if (env->fault_occurred) {
        printf("FAIL %s: fault %d %s\n", name, env->fault_code, env->fault_string);
        failed++;
        xmlrpc_env_clean(env);
        xmlrpc_env_init(env);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    xmlrpc_env env;
    xmlrpc_value *result;
    const char *url = argv[1];
    if (argc < 2) return 2;
    xmlrpc_env_init(&env);
    xmlrpc_client_init2(&env, XMLRPC_CLIENT_NO_FLAGS, "interop-test", "1.0", NULL, 0);
    if (!fault_free(&env, "client init")) return 1;

    result = xmlrpc_client_call(&env, url, "validator1.easyStructTest", "({s:i,s:i,s:i})",
                                "moe", 1, "larry", 2, "curly", 3);
    if (fault_free(&env, "easyStructTest")) {
        xmlrpc_int32 sum = 0;
        xmlrpc_read_int(&env, result, &sum);
        check("easyStructTest", !env.fault_occurred && sum == 6);
        xmlrpc_DECREF(result);
    }

    result = xmlrpc_client_call(&env, url, "interop.echo",
                                "({s:i,s:b,s:s,s:d,s:6,s:(is),s:{s:{s:s}}})",
                                "int", 42, "bool", 1, "string", "text <&> 'q'", "double", 2.5,
                                "base64", (const unsigned char *)"\x00\x01\xff", (size_t)3,
                                "array", 1, "two", "struct", "deep", "deeper", "yes");
    if (fault_free(&env, "echo")) {
        xmlrpc_int32 i = 0, a0 = 0;
        xmlrpc_bool b = 0;
        const char *s = NULL, *a1 = NULL, *deeper = NULL;
        double d = 0;
        const unsigned char *bytes = NULL;
        size_t len = 0;
        xmlrpc_decompose_value(&env, result, "{s:i,s:b,s:s,s:d,s:6,s:(is),s:{s:{s:s,*},*},*}",
                               "int", &i, "bool", &b, "string", &s, "double", &d,
                               "base64", &bytes, &len, "array", &a0, &a1,
                               "struct", "deep", "deeper", &deeper);
        if (fault_free(&env, "echo decompose")) {
            check("echo int", i == 42);
            check("echo bool", b == 1);
            check("echo string", strcmp(s, "text <&> 'q'") == 0);
            check("echo double", d == 2.5);
            check("echo base64", len == 3 && memcmp(bytes, "\x00\x01\xff", 3) == 0);
            check("echo array", a0 == 1 && strcmp(a1, "two") == 0);
            check("echo struct", strcmp(deeper, "yes") == 0);
        }
        xmlrpc_DECREF(result);
    }

    result = xmlrpc_client_call(&env, url, "interop.fault", "(is)", 13, "thirteen");
    /* xmlrpc-c prefixes the server's faultString with "RPC failed at server.  " */
    check("fault", env.fault_occurred && env.fault_code == 13 &&
                   strstr(env.fault_string, "thirteen") != NULL);
    xmlrpc_env_clean(&env);
    xmlrpc_env_init(&env);

    result = xmlrpc_client_call(&env, url, "system.multicall",
                                "(({s:s,s:(ii)}{s:s,s:(is)}{s:s,s:({s:i,s:i,s:i})}))",
                                "methodName", "interop.add", "params", 1, 2,
                                "methodName", "interop.fault", "params", 9, "nine",
                                "methodName", "validator1.easyStructTest", "params",
                                "moe", 1, "larry", 1, "curly", 1);
    if (fault_free(&env, "multicall")) {
        xmlrpc_int32 add = 0, code = 0, sum = 0;
        const char *msg = NULL;
        xmlrpc_decompose_value(&env, result, "((i){s:i,s:s,*}(i))", &add, "faultCode", &code,
                               "faultString", &msg, &sum);
        if (fault_free(&env, "multicall decompose")) {
            check("multicall add", add == 3);
            check("multicall fault", code == 9 && strcmp(msg, "nine") == 0);
            check("multicall struct", sum == 3);
        }
        xmlrpc_DECREF(result);
    }
    xmlrpc_env_clean(&env);
    xmlrpc_client_cleanup();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
