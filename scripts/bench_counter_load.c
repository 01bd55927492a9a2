/* Load generator for scripts/bench_counter.py: keep-alive HTTP/1.1 POST /v1/hit on
   loopback from C connections, one request in flight per connection, epoll.
   Much cheaper per request than a Python client, so on a small machine the service,
   not the load generator, gets the CPU. Every request comes from a new visitor
   (X-Forwarded-For 10.x.y.z, the service trusts 127.0.0.1).
   Usage: bench_counter_load PORT SECONDS MAX_HITS CONNS FIRST_VISITOR STEP NPATHS ORIGIN UA
   Prints: sent ok other errors elapsed_s, then one line of latencies in microseconds. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct { int fd; double t0; char buf[4096]; int len; long visitor; } conn_t;

static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }

static int port, npaths; static const char *origin, *ua;
static long next_visitor, step, budget;
static long sent, ok, other, errors;
static unsigned *lat; static long nlat, cap;

static int send_req(conn_t *c) {
  if (budget <= 0) return 0;
  budget--;
  long n = next_visitor; next_visitor += step;
  char body[128], req[1024];
  int bl = snprintf(body, sizeof body, "{\"path\":\"/2024/%02ld/bai-viet-so-%ld.html\"}", 1 + (n % npaths) % 12, n % npaths);
  int rl = snprintf(req, sizeof req, "POST /v1/hit HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: %s\r\nUser-Agent: %s\r\n"
                    "X-Forwarded-For: 10.%ld.%ld.%ld\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s",
                    origin, ua, (n >> 16) & 255, (n >> 8) & 255, n & 255, bl, body);
  c->t0 = now(); c->len = 0;
  if (write(c->fd, req, rl) != rl) { errors++; return -1; }
  sent++;
  return 1;
}

static int connect_one(int ep, conn_t *c) {
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1; setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) { close(c->fd); c->fd = -1; return -1; }
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
  return 0;
}

/* A complete response in c->buf? Returns its length, 0 if not yet. */
static int complete(conn_t *c, int *status) {
  c->buf[c->len] = 0;
  char *end = strstr(c->buf, "\r\n\r\n");
  if (!end) return 0;
  *status = atoi(c->buf + 9);
  long cl = 0; char *h = strcasestr(c->buf, "\r\ncontent-length:");
  if (h && h < end) cl = atol(h + 17);
  long total = (end + 4 - c->buf) + cl;
  return c->len >= total ? (int)total : 0;
}

int main(int argc, char **argv) {
  if (argc < 10) { fprintf(stderr, "usage: see source\n"); return 2; }
  port = atoi(argv[1]); double secs = atof(argv[2]); budget = atol(argv[3]); int conns = atoi(argv[4]);
  next_visitor = atol(argv[5]); step = atol(argv[6]); npaths = atoi(argv[7]); origin = argv[8]; ua = argv[9];
  cap = budget > 0 ? budget : 1; lat = malloc(sizeof(unsigned) * cap);
  int ep = epoll_create1(0);
  conn_t *cs = calloc(conns, sizeof(conn_t));
  double start = now(), deadline = start + secs;
  int live = 0;
  for (int i = 0; i < conns; i++) if (connect_one(ep, &cs[i]) == 0 && send_req(&cs[i]) == 1) live++;
  struct epoll_event evs[256];
  while (live > 0) {
    int n = epoll_wait(ep, evs, 256, 1000);
    for (int i = 0; i < n; i++) {
      conn_t *c = evs[i].data.ptr;
      int r = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
      if (r <= 0) { if (r < 0 && errno == EINTR) continue; errors++; close(c->fd); live--; continue; }
      c->len += r;
      int status, used = complete(c, &status);
      if (!used) continue;
      if (nlat < cap) lat[nlat++] = (unsigned)((now() - c->t0) * 1e6);
      if (status == 204) ok++; else other++;
      if (now() >= deadline || send_req(c) != 1) { close(c->fd); live--; }
    }
  }
  double elapsed = now() - start;
  printf("%ld %ld %ld %ld %.6f\n", sent, ok, other, errors, elapsed);
  for (long i = 0; i < nlat; i++) printf("%u ", lat[i]);
  printf("\n");
  return 0;
}
