/* CURVE for the bench programs, from the environment (bench/curve.mjs sets it; unset: NULL):
 *   ZMQ_BENCH_CURVE_SERVER_SECRET  the server's secret key (Z85): the bound socket is the server
 *   ZMQ_BENCH_CURVE_SERVER_PUBLIC  the server's public key (Z85), for the client
 *   ZMQ_BENCH_CURVE_CLIENT_PUBLIC, ZMQ_BENCH_CURVE_CLIENT_SECRET  the client's key pair (Z85)
 * No ZAP handler is bound: libzmq lets any client key in, as zmq-ts does (the same work each side).
 */
#include <zmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_key(void *s, int option, const char *name) {
  const char *v = getenv(name);
  if (v == NULL) return 0;
  if (zmq_setsockopt(s, option, v, strlen(v)) != 0) {
    fprintf(stderr, "%s: %s\n", name, zmq_strerror(zmq_errno()));
    exit(1);
  }
  return 1;
}

/* Makes `s` a CURVE server or client when the environment says so. */
static void apply_security(void *s, int as_server) {
  if (getenv("ZMQ_BENCH_CURVE_SERVER_SECRET") == NULL) return;
  if (as_server) {
    int one = 1;
    set_key(s, ZMQ_CURVE_SECRETKEY, "ZMQ_BENCH_CURVE_SERVER_SECRET");
    zmq_setsockopt(s, ZMQ_CURVE_SERVER, &one, sizeof one);
  } else {
    set_key(s, ZMQ_CURVE_SERVERKEY, "ZMQ_BENCH_CURVE_SERVER_PUBLIC");
    set_key(s, ZMQ_CURVE_PUBLICKEY, "ZMQ_BENCH_CURVE_CLIENT_PUBLIC");
    set_key(s, ZMQ_CURVE_SECRETKEY, "ZMQ_BENCH_CURVE_CLIENT_SECRET");
  }
}
