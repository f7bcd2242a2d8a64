/* libzmq's inproc between two threads, for bench/inproc_threads.mjs.
 * Prints one JSON line per measurement:
 *   throughput: PUSH (thread) -> PULL (main), count messages of size bytes
 *   latency: REQ (main) <-> REP (thread), count round trips; one-way = rtt / 2
 * Usage: inproc_threads <size> <count> <roundtrips>
 */
#include <zmq.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *ctx;
static size_t size;
static long count, roundtrips;

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void *pusher(void *arg) {
  (void)arg;
  void *s = zmq_socket(ctx, ZMQ_PUSH);
  zmq_connect(s, "inproc://thr");
  char *buf = calloc(1, size ? size : 1);
  for (long i = 0; i < count; i++) zmq_send(s, buf, size, 0);
  free(buf);
  zmq_close(s);
  return NULL;
}

static void *replier(void *arg) {
  (void)arg;
  void *s = zmq_socket(ctx, ZMQ_REP);
  zmq_connect(s, "inproc://lat");
  char *buf = malloc(size ? size : 1);
  for (long i = 0; i < roundtrips; i++) {
    int n = zmq_recv(s, buf, size, 0);
    zmq_send(s, buf, n, 0);
  }
  free(buf);
  zmq_close(s);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  size = (size_t)atol(argv[1]);
  count = atol(argv[2]);
  roundtrips = atol(argv[3]);
  ctx = zmq_ctx_new();
  char *buf = malloc(size ? size : 1);

  void *pull = zmq_socket(ctx, ZMQ_PULL);
  zmq_bind(pull, "inproc://thr");
  pthread_t t;
  pthread_create(&t, NULL, pusher, NULL);
  zmq_recv(pull, buf, size, 0);
  double start = now_us();
  for (long i = 1; i < count; i++) zmq_recv(pull, buf, size, 0);
  double elapsed = now_us() - start;
  pthread_join(t, NULL);
  zmq_close(pull);
  printf("{\"kind\":\"throughput\",\"size\":%zu,\"count\":%ld,\"msgs_per_s\":%.0f}\n", size, count,
         (count - 1) / (elapsed / 1e6));

  void *req = zmq_socket(ctx, ZMQ_REQ);
  zmq_bind(req, "inproc://lat");
  pthread_create(&t, NULL, replier, NULL);
  memset(buf, 0, size ? size : 1);
  zmq_send(req, buf, size, 0);
  zmq_recv(req, buf, size, 0);
  start = now_us();
  for (long i = 1; i < roundtrips; i++) {
    zmq_send(req, buf, size, 0);
    zmq_recv(req, buf, size, 0);
  }
  elapsed = now_us() - start;
  pthread_join(t, NULL);
  zmq_close(req);
  printf("{\"kind\":\"latency\",\"size\":%zu,\"count\":%ld,\"one_way_us\":%.2f}\n", size, roundtrips,
         elapsed / (roundtrips - 1) / 2);
  free(buf);
  zmq_ctx_term(ctx);
  return 0;
}
