// Placeholder until the benchmark driver lands.
int main() {
  return 1;
}
