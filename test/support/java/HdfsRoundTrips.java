// A client that writes a new file and reads the previous one back every second, through Hadoop's own FileSystem
// (the nameservice's failover proxy, DataNode pipelines, their retries): what an application sees of HDFS while it
// is upgraded. One line per operation on stdout: "<epoch ms> ok|FAIL write|read <file> <ms taken> [error]"; it runs
// until killed. Compiled here with javac (no Hadoop jar needed: it calls Hadoop by reflection), run in a pod with
// the image's jars and configuration on its class path. In Kerberos mode it logs in from a keytab (Hadoop renews
// the login itself).
//
//   java HdfsRoundTrips URI DIR [PRINCIPAL KEYTAB]
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

public class HdfsRoundTrips {
  public static void main(String[] args) throws Exception {
    Class<?> confClass = Class.forName("org.apache.hadoop.conf.Configuration");
    Class<?> fsClass = Class.forName("org.apache.hadoop.fs.FileSystem");
    Class<?> pathClass = Class.forName("org.apache.hadoop.fs.Path");
    Object conf = confClass.getConstructor().newInstance();
    if (args.length >= 4) {
      Class<?> ugi = Class.forName("org.apache.hadoop.security.UserGroupInformation");
      ugi.getMethod("setConfiguration", confClass).invoke(null, conf);
      ugi.getMethod("loginUserFromKeytab", String.class, String.class).invoke(null, args[2], args[3]);
    }
    Object fs = fsClass.getMethod("get", URI.class, confClass).invoke(null, new URI(args[0]), conf);
    Method create = fsClass.getMethod("create", pathClass, boolean.class);
    Method open = fsClass.getMethod("open", pathClass);
    Method mkdirs = fsClass.getMethod("mkdirs", pathClass);
    Constructor<?> path = pathClass.getConstructor(String.class);
    String dir = args[1];
    mkdirs.invoke(fs, path.newInstance(dir));
    Random random = new Random();
    byte[] previous = null;
    String previousName = null;
    for (long i = 0; ; i++) {
      long started = System.currentTimeMillis();
      String name = dir + "/f" + i;
      byte[] data = new byte[4096 + random.nextInt(256 * 1024)];
      random.nextBytes(data);
      long t0 = System.currentTimeMillis();
      try (OutputStream out = (OutputStream) create.invoke(fs, path.newInstance(name), true)) {
        out.write(data);
        report(true, "write", name, t0, null);
      } catch (Exception e) {
        report(false, "write", name, t0, e);
        data = null;
      }
      if (previous != null) {
        t0 = System.currentTimeMillis();
        try (InputStream in = (InputStream) open.invoke(fs, path.newInstance(previousName))) {
          byte[] back = in.readAllBytes();
          if (Arrays.equals(digest(back), digest(previous))) {
            report(true, "read", previousName, t0, null);
          } else {
            report(false, "read", previousName, t0, new Exception("content differs: " + back.length + " of " + previous.length + " bytes"));
          }
        } catch (Exception e) {
          report(false, "read", previousName, t0, e);
        }
      }
      if (data != null) {
        previous = data;
        previousName = name;
      }
      long rest = 1000 - (System.currentTimeMillis() - started);
      if (rest > 0) Thread.sleep(rest);
    }
  }

  static byte[] digest(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  static void report(boolean ok, String op, String name, long started, Exception e) {
    long now = System.currentTimeMillis();
    Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
    String error = cause == null ? "" : " " + (cause.getClass().getName() + ": " + cause.getMessage()).replace('\n', ' ');
    System.out.println(now + " " + (ok ? "ok" : "FAIL") + " " + op + " " + name + " " + (now - started) + error);
    System.out.flush();
  }
}
