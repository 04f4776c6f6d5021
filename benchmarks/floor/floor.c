/*
 * The performance floor of a squash (issue 27): the work no squash can avoid, done by the fastest native code on
 * this machine, spread over THREADS worker threads.
 *
 *   - read every input blob once and SHA-256 it (OpenSSL's libcrypto, which uses SHA-NI where the CPU has it);
 *   - with -i, also inflate every input blob (libdeflate, whole-buffer, member by member): the stricter floor,
 *     since a squash of gzip layers cannot avoid inflating them (the floor of issue 27 leaves it out);
 *   - with -o TAR: gzip TAR (the squashed, uncompressed layer) with libdeflate at LEVEL, in independent 1 MiB
 *     pieces, one gzip member each (what ocisquash's default encoder writes), and SHA-256 the compressed bytes in
 *     order (the output blob's digest); with -d, also SHA-256 TAR itself (the diff_id).
 *
 * Work items (one per input blob, then one per 1 MiB piece) go to THREADS threads in order, so hashing the input
 * and compressing the output overlap as well as they can; the output digest is taken by the main thread as the
 * pieces finish. Nothing is written: the output's bytes are hashed and dropped.
 *
 * Prints one line: wall_s=... cpu_s=... in_bytes=... tar_bytes=... out_bytes=...
 * Build: gcc -O2 -pthread floor.c -o floor -l:libdeflate.so.0 -lcrypto (Debian: libdeflate0, libssl-dev).
 * Usage: floor [-t THREADS] [-l LEVEL] [-i] [-d] [-o SQUASHED.tar] INPUT_BLOB...
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* libdeflate's API (libdeflate.h, version 1.x), declared here so that only the runtime package is needed. */
struct libdeflate_compressor;
struct libdeflate_decompressor;
extern struct libdeflate_compressor *libdeflate_alloc_compressor(int level);
extern size_t libdeflate_gzip_compress(struct libdeflate_compressor *, const void *, size_t, void *, size_t);
extern size_t libdeflate_gzip_compress_bound(struct libdeflate_compressor *, size_t);
extern struct libdeflate_decompressor *libdeflate_alloc_decompressor(void);
extern int libdeflate_gzip_decompress_ex(struct libdeflate_decompressor *, const void *, size_t, void *, size_t,
                                         size_t *, size_t *);

#define PIECE (1 << 20)
#define AHEAD 256 /* pieces compressed ahead of the output digest, at most */

static int level = 4, inflate_input = 0, diff_id = 0;
static char **inputs;
static int n_inputs;
static const unsigned char *tar;
static size_t tar_size, n_pieces;
static unsigned char **piece_out;
static size_t *piece_len;
static size_t next_item, hashed;
static uint64_t in_bytes;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void die(const char *what, const char *name) {
  fprintf(stderr, "floor: %s: %s\n", name, what);
  exit(1);
}

static const unsigned char *map(const char *name, size_t *size) {
  int fd = open(name, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) die("cannot open", name);
  *size = st.st_size;
  if (*size == 0) return (const unsigned char *)"";
  void *p = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) die("cannot map", name);
  close(fd);
  return p;
}

static void sha256(EVP_MD_CTX *ctx, const unsigned char *p, size_t n) {
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  EVP_DigestUpdate(ctx, p, n);
  unsigned char md[32];
  EVP_DigestFinal_ex(ctx, md, NULL);
}

/* Reads and hashes (and with -i inflates) one input blob. */
static void do_input(const char *name, EVP_MD_CTX *ctx, struct libdeflate_decompressor *d, unsigned char **buf,
                     size_t *cap) {
  int fd = open(name, O_RDONLY);
  if (fd < 0) die("cannot open", name);
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  unsigned char *rb = malloc(PIECE);
  ssize_t n;
  uint64_t total = 0;
  while ((n = read(fd, rb, PIECE)) > 0) {
    EVP_DigestUpdate(ctx, rb, n);
    total += n;
  }
  free(rb);
  close(fd);
  unsigned char md[32];
  EVP_DigestFinal_ex(ctx, md, NULL);
  __atomic_add_fetch(&in_bytes, total, __ATOMIC_RELAXED);
  if (!inflate_input) return;
  size_t size;
  const unsigned char *p = map(name, &size);
  /* The buffer fits the last member's ISIZE (the whole layer's size, mod 4 GiB, when it is one member): inflating
   * is whole-buffer, and a retry with a bigger buffer would inflate the member again. */
  if (size >= 18) {
    size_t isize = p[size - 4] | p[size - 3] << 8 | p[size - 2] << 16 | (size_t)p[size - 1] << 24;
    if (isize + 1 > *cap) {
      *cap = isize + 1;
      *buf = realloc(*buf, *cap);
    }
  }
  size_t off = 0;
  while (off + 18 <= size) {
    size_t in_used, out_len;
    for (;;) {
      int r = libdeflate_gzip_decompress_ex(d, p + off, size - off, *buf, *cap, &in_used, &out_len);
      if (r == 0) break;
      if (r != 3 /* LIBDEFLATE_INSUFFICIENT_SPACE */) die("not a gzip stream libdeflate can inflate", name);
      *cap *= 2;
      *buf = realloc(*buf, *cap);
    }
    off += in_used;
  }
  munmap((void *)p, size);
}

static void *worker(void *arg) {
  (void)arg;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  size_t cap = 64 << 20;
  unsigned char *buf = inflate_input ? malloc(cap) : NULL;
  for (;;) {
    pthread_mutex_lock(&mu);
    size_t item = next_item;
    while (item >= (size_t)n_inputs && item < n_inputs + n_pieces && item - n_inputs >= hashed + AHEAD) {
      pthread_cond_wait(&cv, &mu);
      item = next_item;
    }
    next_item++;
    pthread_mutex_unlock(&mu);
    if (item < (size_t)n_inputs) {
      do_input(inputs[item], ctx, d, &buf, &cap);
    } else if (item < n_inputs + n_pieces) {
      size_t k = item - n_inputs, off = k * PIECE, len = tar_size - off < PIECE ? tar_size - off : PIECE;
      size_t bound = libdeflate_gzip_compress_bound(c, len);
      unsigned char *out = malloc(bound);
      size_t outlen = libdeflate_gzip_compress(c, tar + off, len, out, bound);
      pthread_mutex_lock(&mu);
      piece_out[k] = out;
      piece_len[k] = outlen;
      pthread_cond_broadcast(&cv);
      pthread_mutex_unlock(&mu);
    } else {
      break;
    }
  }
  free(buf);
  EVP_MD_CTX_free(ctx);
  return NULL;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  int threads = 2, opt;
  const char *tar_name = NULL;
  while ((opt = getopt(argc, argv, "t:l:o:id")) != -1) {
    switch (opt) {
      case 't': threads = atoi(optarg); break;
      case 'l': level = atoi(optarg); break;
      case 'o': tar_name = optarg; break;
      case 'i': inflate_input = 1; break;
      case 'd': diff_id = 1; break;
      default:
        fprintf(stderr, "usage: floor [-t THREADS] [-l LEVEL] [-i] [-d] [-o SQUASHED.tar] INPUT_BLOB...\n");
        return 2;
    }
  }
  inputs = argv + optind;
  n_inputs = argc - optind;
  double t0 = now();
  if (tar_name) {
    tar = map(tar_name, &tar_size);
    n_pieces = (tar_size + PIECE - 1) / PIECE;
    piece_out = calloc(n_pieces + 1, sizeof *piece_out);
    piece_len = calloc(n_pieces + 1, sizeof *piece_len);
  }
  pthread_t *tids = malloc(threads * sizeof *tids);
  for (int i = 0; i < threads; i++) pthread_create(&tids[i], NULL, worker, NULL);
  /* The output digest, in order, as the pieces finish; with -d the diff_id after it, on this thread too. */
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  uint64_t out_bytes = 0;
  for (size_t k = 0; k < n_pieces; k++) {
    pthread_mutex_lock(&mu);
    while (piece_out[k] == NULL) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    EVP_DigestUpdate(ctx, piece_out[k], piece_len[k]);
    out_bytes += piece_len[k];
    free(piece_out[k]);
    pthread_mutex_lock(&mu);
    hashed = k + 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
  }
  unsigned char md[32];
  EVP_DigestFinal_ex(ctx, md, NULL);
  if (diff_id && tar_size) sha256(ctx, tar, tar_size);
  for (int i = 0; i < threads; i++) pthread_join(tids[i], NULL);
  double wall = now() - t0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("wall_s=%.3f cpu_s=%.3f in_bytes=%llu tar_bytes=%zu out_bytes=%llu\n", wall, cpu,
         (unsigned long long)in_bytes, tar_size, (unsigned long long)out_bytes);
  return 0;
}
