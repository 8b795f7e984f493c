// A UDP echo server and a load loop for deploy/bench-udp.sh (C, so that neither end is what is measured).
//   udp-load echo PORT                          echo every datagram back, on 127.0.0.1:PORT
//   udp-load load HOST PORT SECONDS FLOWS WINDOW  FLOWS connected sockets, WINDOW datagrams of 64 bytes
//                                               in flight on each; prints replies per second
//   udp-load setup HOST PORT COUNT              COUNT new flows one after another (new socket, one
//                                               datagram, its reply); prints the mean and p99 in microseconds,
//                                               then the same for COUNT round trips on one established flow
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static struct sockaddr_in address(const char *host, int port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, host, &a.sin_addr);
  return a;
}

static int connected(struct sockaddr_in *to) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0 || connect(s, (struct sockaddr *)to, sizeof *to) < 0) { perror("socket"); exit(1); }
  return s;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

// One datagram and its reply (resent after 200 ms, as a client would); returns the round trip in µs.
static double round_trip(int s) {
  char buf[2048];
  struct pollfd p = {.fd = s, .events = POLLIN};
  double start = now();
  for (;;) {
    send(s, "ping", 4, 0);
    if (poll(&p, 1, 200) > 0 && recv(s, buf, sizeof buf, 0) > 0) return (now() - start) * 1e6;
  }
}

static void report(const char *what, double *us, int n) {
  double sum = 0;
  for (int i = 0; i < n; i++) sum += us[i];
  qsort(us, n, sizeof *us, by_value);
  printf("%s: mean %.0f us, p99 %.0f us (%d samples)\n", what, sum / n, us[n * 99 / 100], n);
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "echo")) {
    struct sockaddr_in a = address("127.0.0.1", atoi(argv[2])), from;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
    char buf[65536];
    for (;;) {
      socklen_t len = sizeof from;
      ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
      if (n >= 0) sendto(s, buf, n, 0, (struct sockaddr *)&from, len);
    }
  }
  if (argc == 7 && !strcmp(argv[1], "load")) {
    struct sockaddr_in to = address(argv[2], atoi(argv[3]));
    int seconds = atoi(argv[4]), flows = atoi(argv[5]), window = atoi(argv[6]);
    struct pollfd *p = calloc(flows, sizeof *p);
    char payload[64] = {0}, buf[2048];
    for (int i = 0; i < flows; i++) {
      p[i] = (struct pollfd){.fd = connected(&to), .events = POLLIN};
      for (int w = 0; w < window; w++) send(p[i].fd, payload, sizeof payload, 0);
    }
    long replies = 0;
    double start = now(), end = start + seconds, last = start;
    while (now() < end) {
      // A window lost to a drop is topped up after 100 ms of silence, so one loss never stalls a flow.
      if (poll(p, flows, 100) == 0 || now() - last > 0.1) {
        for (int i = 0; i < flows; i++) send(p[i].fd, payload, sizeof payload, 0);
        last = now();
      }
      for (int i = 0; i < flows; i++) {
        if (!(p[i].revents & POLLIN)) continue;
        while (recv(p[i].fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
          replies++;
          last = now();
          send(p[i].fd, payload, sizeof payload, 0);
        }
      }
    }
    printf("%.0f datagrams/s (replies received; %d flows, window %d)\n", replies / (now() - start), flows, window);
    return 0;
  }
  if (argc == 5 && !strcmp(argv[1], "setup")) {
    struct sockaddr_in to = address(argv[2], atoi(argv[3]));
    int count = atoi(argv[4]);
    double *us = calloc(count, sizeof *us);
    for (int i = 0; i < count; i++) {
      int s = connected(&to);
      us[i] = round_trip(s);
      close(s);
    }
    report("new flow (first datagram to its reply)", us, count);
    int s = connected(&to);
    round_trip(s);
    for (int i = 0; i < count; i++) us[i] = round_trip(s);
    report("established flow (round trip)", us, count);
    return 0;
  }
  fprintf(stderr, "usage: udp-load echo PORT | load HOST PORT SECONDS FLOWS WINDOW | setup HOST PORT COUNT\n");
  return 2;
}
