package app;

/** The smallest Java app, packaged by Jib. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("hello");
  }
}
