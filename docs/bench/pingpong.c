// Cache-line ping-pong between two pinned threads: the one-way latency of handing data from one core to the other.
// Build and run: gcc -O2 -pthread -o /tmp/pingpong docs/bench/pingpong.c && /tmp/pingpong
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <time.h>
#include <sched.h>
static _Atomic int flag __attribute__((aligned(64)));
#define N 1000000
static void* pong(void* arg) { int cpu = *(int*)arg; cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); pthread_setaffinity_np(pthread_self(), sizeof s, &s);
  for (int i = 0; i < N; i++) { while (atomic_load_explicit(&flag, memory_order_acquire) != 2*i+1); atomic_store_explicit(&flag, 2*i+2, memory_order_release); } return 0; }
int main(int argc, char** argv) {
  int c0 = 0, c1 = 1; pthread_t t; cpu_set_t s; CPU_ZERO(&s); CPU_SET(c0, &s); pthread_setaffinity_np(pthread_self(), sizeof s, &s);
  pthread_create(&t, 0, pong, &c1);
  struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < N; i++) { atomic_store_explicit(&flag, 2*i+1, memory_order_release); while (atomic_load_explicit(&flag, memory_order_acquire) != 2*i+2); }
  clock_gettime(CLOCK_MONOTONIC, &b); pthread_join(t, 0);
  printf("round trip %.0f ns (one-way ~%.0f ns)\n", ((b.tv_sec-a.tv_sec)*1e9+(b.tv_nsec-a.tv_nsec))/N, ((b.tv_sec-a.tv_sec)*1e9+(b.tv_nsec-a.tv_nsec))/N/2);
}
