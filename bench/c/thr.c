/* libzmq throughput over tcp or ipc, for bench/tcp_ipc.mjs: two processes, as libzmq's own
 * local_thr / remote_thr. CURVE when the environment has keys (security.h).
 *   thr recv <endpoint> <size> <count>   PULL, binds, prints "ready", receives count messages,
 *                                        times from the first to the last, prints one JSON line
 *   thr send <endpoint> <size> <count>   PUSH, connects, sends count messages of size bytes, then
 *                                        waits for stdin to close before it closes the socket
 * Why the sender waits: with linger -1 zmq_ctx_term returns once the messages left the socket,
 * but over ipc libzmq 4.3.4's receiver then often loses the tail (measured: 7 runs of 12 at 1 B
 * stopped at 14k-19k of 20k) when the sender exits at once. bench/tcp_ipc.mjs closes the
 * sender's stdin once the receiver has reported.
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
    fprintf(stderr, "usage: thr recv|send <endpoint> <size> <count>\n");
    return 2;
  }
  const char *role = argv[1], *endpoint = argv[2];
  size_t size = (size_t)atol(argv[3]);
  long count = atol(argv[4]);
  void *ctx = zmq_ctx_new();
  zmq_msg_t msg;

  if (strcmp(role, "recv") == 0) {
    void *s = zmq_socket(ctx, ZMQ_PULL);
    apply_security(s, 1);
    if (zmq_bind(s, endpoint) != 0) {
      fprintf(stderr, "bind %s: %s\n", endpoint, zmq_strerror(zmq_errno()));
      return 1;
    }
    printf("ready\n");
    fflush(stdout);
    long bad = 0;
    double start = 0;
    zmq_msg_init(&msg);
    for (long i = 0; i < count; i++) {
      if (zmq_msg_recv(&msg, s, 0) < 0) return 1;
      if (zmq_msg_size(&msg) != size) bad++;
      if (i == 0) start = now_us();
    }
    double elapsed = now_us() - start;
    zmq_msg_close(&msg);
    double rate = (count - 1) / (elapsed / 1e6);
    printf("{\"kind\":\"throughput\",\"size\":%zu,\"count\":%ld,\"bad\":%ld,\"msgs_per_s\":%.0f,\"mb_per_s\":%.2f}\n",
           size, count, bad, rate, rate * size / 1e6);
    zmq_close(s);
  } else if (strcmp(role, "send") == 0) {
    void *s = zmq_socket(ctx, ZMQ_PUSH);
    apply_security(s, 0);
    int linger = -1;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(s, endpoint) != 0) return 1;
    for (long i = 0; i < count; i++) {
      zmq_msg_init_size(&msg, size);
      if (size) memset(zmq_msg_data(&msg), 0, size);
      if (zmq_msg_send(&msg, s, 0) < 0) return 1;
    }
    char b[64];
    while (read(0, b, sizeof b) > 0) {
    }
    zmq_close(s);
  } else {
    return 2;
  }
  zmq_ctx_term(ctx);
  return 0;
}
