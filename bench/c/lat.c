/* libzmq latency over tcp or ipc, for bench/tcp_ipc.mjs: two processes, as libzmq's own
 * local_lat / remote_lat. CURVE when the environment has keys (security.h).
 *   lat rep <endpoint> <size> <count>   REP, binds, prints "ready", echoes count messages, then
 *                                       waits for stdin to close (as thr.c's sender does)
 *   lat req <endpoint> <size> <count>   REQ, connects, count round trips of size bytes; the first
 *                                       is not timed (it includes the connection); prints one JSON
 *                                       line with one way = round trip / 2
 */
#include <zmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "security.h"

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: lat rep|req <endpoint> <size> <count>\n");
    return 2;
  }
  const char *role = argv[1], *endpoint = argv[2];
  size_t size = (size_t)atol(argv[3]);
  long count = atol(argv[4]);
  void *ctx = zmq_ctx_new();
  zmq_msg_t msg;
  zmq_msg_init(&msg);

  if (strcmp(role, "rep") == 0) {
    void *s = zmq_socket(ctx, ZMQ_REP);
    apply_security(s, 1);
    if (zmq_bind(s, endpoint) != 0) {
      fprintf(stderr, "bind %s: %s\n", endpoint, zmq_strerror(zmq_errno()));
      return 1;
    }
    printf("ready\n");
    fflush(stdout);
    for (long i = 0; i < count; i++) {
      if (zmq_msg_recv(&msg, s, 0) < 0) return 1;
      if (zmq_msg_send(&msg, s, 0) < 0) return 1;
    }
    char b[64];
    while (read(0, b, sizeof b) > 0) {
    }
    zmq_close(s);
  } else if (strcmp(role, "req") == 0) {
    void *s = zmq_socket(ctx, ZMQ_REQ);
    apply_security(s, 0);
    if (zmq_connect(s, endpoint) != 0) return 1;
    long bad = 0;
    double start = 0;
    for (long i = 0; i < count; i++) {
      if (i == 1) start = now_us();
      zmq_msg_init_size(&msg, size);
      if (size) memset(zmq_msg_data(&msg), 0, size);
      if (zmq_msg_send(&msg, s, 0) < 0) return 1;
      if (zmq_msg_recv(&msg, s, 0) < 0) return 1;
      if (zmq_msg_size(&msg) != size) bad++;
    }
    double elapsed = now_us() - start;
    printf("{\"kind\":\"latency\",\"size\":%zu,\"count\":%ld,\"bad\":%ld,\"one_way_us\":%.2f}\n", size, count,
           bad, elapsed / (count - 1) / 2);
    zmq_close(s);
  } else {
    return 2;
  }
  zmq_msg_close(&msg);
  zmq_ctx_term(ctx);
  return 0;
}
