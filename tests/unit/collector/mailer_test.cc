// Mailer: the message format (pure), and sending through fake sendmail scripts that copy
// their input to a file, fail, or hang. Time is a FakeClock; children are waited for by
// polling the Mailer under a deadline.

#include "collector/mailer.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include <gtest/gtest.h>

#include "test_util.h"

namespace bc::collector {
namespace {

using testing::exists;
using testing::list_dir;
using testing::slurp;
using testing::TempDir;
using testing::write_file;
using Strings = std::vector<std::string>;
using std::chrono::seconds;

constexpr std::int64_t kWall = 1'700'000'000'000'000;  // Tue, 14 Nov 2023 22:13:20 UTC

MailSettings plain_settings() {
  return MailSettings{
      true,    "/usr/sbin/sendmail -t", "Big Brother <bro@localhost>", "ops@example.org", "",
      "[Bro]", "/nonexistent"};
}

Strings lines_of(const std::string& text) {
  Strings lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// The header block of a message, one string per line.
Strings headers_of(const std::string& text) {
  Strings h;
  for (const auto& line : lines_of(text)) {
    if (line.empty()) break;
    h.push_back(line);
  }
  return h;
}

std::string body_of(const std::string& text) {
  const auto pos = text.find("\n\n");
  return pos == std::string::npos ? "" : text.substr(pos + 2);
}

// Sets TZ for the scope of a test.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    const char* old = std::getenv("TZ");
    if (old != nullptr) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

// ---- the message -----------------------------------------------------------------------

TEST(FormatMail, HeadersAndBody) {
  ScopedTz tz("UTC0");
  const std::string m = format_mail(plain_settings(), "Crash report: worker-1",
                                    "worker-1 crashed\nsignal 11\n", kWall, "1.2.3@host1");
  EXPECT_EQ(headers_of(m),
            (Strings{"From: Big Brother <bro@localhost>", "To: ops@example.org",
                     "Subject: [Bro] Crash report: worker-1",
                     "Date: Tue, 14 Nov 2023 22:13:20 +0000", "Message-ID: <1.2.3@host1>",
                     "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
                     "Content-Transfer-Encoding: 8bit", "Auto-Submitted: auto-generated"}));
  EXPECT_EQ(body_of(m), "worker-1 crashed\nsignal 11\n");
}

TEST(FormatMail, ReplyToOnlyWhenSetAndNoPrefixWhenEmpty) {
  MailSettings s = plain_settings();
  s.reply_to = "noc@example.org";
  s.subject_prefix = "";
  const Strings h = headers_of(format_mail(s, "Subject", "b", kWall, "id@h"));
  EXPECT_EQ(h[2], "Reply-To: noc@example.org");
  EXPECT_EQ(h[3], "Subject: Subject");
}

TEST(FormatMail, DateCarriesTheLocalOffset) {
  {
    ScopedTz tz("CET-1");
    EXPECT_EQ(headers_of(format_mail(plain_settings(), "s", "b", kWall, "i"))[3],
              "Date: Tue, 14 Nov 2023 23:13:20 +0100");
  }
  {
    ScopedTz tz("NST3:30");  // 3:30 west of Greenwich
    EXPECT_EQ(headers_of(format_mail(plain_settings(), "s", "b", kWall, "i"))[3],
              "Date: Tue, 14 Nov 2023 18:43:20 -0330");
  }
}

TEST(FormatMail, LineBreaksInHeaderValuesCannotInjectHeaders) {
  MailSettings s = plain_settings();
  s.to = "ops@example.org\nBcc: victim@example.org";
  const Strings h = headers_of(format_mail(s, "x\r\nBcc: other@example.org", "b", kWall, "i"));
  for (const auto& line : h)
    EXPECT_NE(line.rfind("Bcc:", 0), 0u) << line;
  EXPECT_EQ(h[1], "To: ops@example.org Bcc: victim@example.org");
  EXPECT_EQ(h[2], "Subject: [Bro] x  Bcc: other@example.org");
}

TEST(FormatMail, NonAsciiSubjectIsEncodedInFoldedWords) {
  const std::string m = format_mail(
      plain_settings(), "Plattenplatz knapp: Größe über 95% auf host1 und noch etwas mehr Text",
      "b", kWall, "i");
  // Golden value from an independent encoder (Python's base64), 45-byte UTF-8-safe chunks.
  EXPECT_NE(m.find("\nSubject: =?UTF-8?B?W0Jyb10gUGxhdHRlbnBsYXR6IGtuYXBwOiBHcsO2w59lIMO8YmVyIDk1"
                   "JSBh?=\n =?UTF-8?B?dWYgaG9zdDEgdW5kIG5vY2ggZXR3YXMgbWVociBUZXh0?=\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Content-Transfer-Encoding: 8bit"), std::string::npos);
}

TEST(FormatMail, UnsafeBodiesGoQuotedPrintable) {
  const std::string long_line(2000, 'x');
  const std::string m = format_mail(
      plain_settings(), "s", "line 1\n.\nkey=value \n" + long_line + "\nGrüße\r\n", kWall, "i");
  EXPECT_NE(m.find("Content-Transfer-Encoding: quoted-printable\n"), std::string::npos);
  const std::string body = body_of(m);
  const Strings lines = lines_of(body);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0], "line 1");
  EXPECT_EQ(lines[1], "=2E");             // a lone "." would end the input of sendmail
  EXPECT_EQ(lines[2], "key=3Dvalue=20");  // '=' and the trailing space encoded
  for (const auto& line : lines)
    EXPECT_LE(line.size(), 76u);
  EXPECT_EQ(lines.back(), "Gr=C3=BC=C3=9Fe=0D");
  // The soft breaks put the long line back together.
  std::string joined;
  for (std::size_t i = 3; i + 1 < lines.size(); ++i)
    joined += lines[i].substr(0, lines[i].size() - (lines[i].back() == '=' ? 1 : 0));
  EXPECT_EQ(joined, long_line);
}

TEST(FormatMail, BodyAlwaysEndsWithANewline) {
  EXPECT_EQ(body_of(format_mail(plain_settings(), "s", "no newline", kWall, "i")), "no newline\n");
  EXPECT_EQ(body_of(format_mail(plain_settings(), "s", "Grüße\n", kWall, "i")), "Grüße\n");
}

// ---- sending -----------------------------------------------------------------------------

// True when `pid` no longer runs (gone, or a zombie nobody has reaped yet).
bool process_gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return true;
  const auto paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] == 'Z' ||
         stat[paren + 2] == 'X';
}

class MailerTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(out_); }

  MailSettings settings(const std::string& script) const {
    return MailSettings{
        true,    script + " -t", "Big Brother <bro@localhost>", "ops@example.org", "",
        "[Bro]", queue_};
  }
  std::string script(const std::string& name, const std::string& body) const {
    const std::string path = dir_ / name;
    write_file(path, "#!/bin/sh\necho x >> '" + attempts_ + "'\n" + body, 0755);
    return path;
  }
  // Copies the message to out/mail.<pid>, its arguments to out/args.
  std::string good(const std::string& name = "sendmail-ok") const {
    return script(name, "echo \"$@\" > '" + out_ + "/args'\ncat > '" + out_ + "/tmp.'$$ && mv '" +
                            out_ + "/tmp.'$$ '" + out_ + "/mail.'$$\n");
  }
  std::string failing(const std::string& name = "sendmail-fail") const {
    return script(name,
                  "cat > /dev/null\necho 'sendmail: fatal: no recipient addresses' >&2\n"
                  "echo 'second line' >&2\nexit 1\n");
  }
  // Hangs, with a helper process in its group.
  std::string sleeping() const {
    return script("sendmail-slow", "sleep 600 &\necho $! > '" + dir_ / "sleep.pid" + "'\nwait\n");
  }
  Strings mails() const {
    Strings m;
    for (const auto& name : list_dir(out_)) {
      if (name.rfind("mail.", 0) == 0) m.push_back(out_ + "/" + name);
    }
    return m;
  }
  Strings queue_listing() const { return list_dir(queue_); }
  std::size_t attempts() const { return testing::lines_of_file(attempts_); }
  // Polls the mailer until `pred` holds (deadline: testing::kDeadline).
  static bool pump(Mailer& m, const std::function<bool()>& pred) {
    return testing::wait_for([&] {
      m.poll();
      return pred();
    });
  }

  TempDir dir_;
  std::string queue_ = dir_ / "spool/mail";
  std::string out_ = dir_ / "out";
  std::string attempts_ = dir_ / "attempts";
  FakeClock clock_;
};

TEST_F(MailerTest, SendDeliversTheCompleteMessageAndRemovesTheQueueFile) {
  ScopedTz tz("UTC0");
  Mailer m(settings(good()), clock_);
  ASSERT_TRUE(m.send("Crash report: worker-1", "worker-1 crashed\nsignal 11\n"));
  EXPECT_EQ(m.queued(), 1u);
  ASSERT_TRUE(pump(m, [&] { return m.sent() == 1; }));
  EXPECT_EQ(m.queued(), 0u);
  EXPECT_EQ(m.failed_attempts(), 0u);
  EXPECT_EQ(m.in_flight(), 0u);
  EXPECT_EQ(queue_listing(), Strings{});  // no queue file, temporary or stderr capture left

  const Strings sent = mails();
  ASSERT_EQ(sent.size(), 1u);
  const std::string text = slurp(sent[0]);
  const Strings h = headers_of(text);
  ASSERT_EQ(h.size(), 9u) << text;
  EXPECT_EQ(h[0], "From: Big Brother <bro@localhost>");
  EXPECT_EQ(h[1], "To: ops@example.org");
  EXPECT_EQ(h[2], "Subject: [Bro] Crash report: worker-1");
  // The FakeClock's wall time, in the zone set above.
  EXPECT_EQ(h[3], "Date: Tue, 14 Nov 2023 22:13:20 +0000");
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  EXPECT_EQ(h[4], "Message-ID: <1700000000000000." + std::to_string(::getpid()) + ".1@" +
                      std::string(host) + ">");
  EXPECT_EQ(h[5], "MIME-Version: 1.0");
  EXPECT_EQ(h[6], "Content-Type: text/plain; charset=utf-8");
  EXPECT_EQ(body_of(text), "worker-1 crashed\nsignal 11\n");
  EXPECT_EQ(slurp(out_ + "/args"), "-t\n");
}

TEST_F(MailerTest, SendMailOffSendsNothing) {
  testing::LogCapture log;
  MailSettings s = settings(good());
  s.enabled = false;
  Mailer m(s, clock_);
  ASSERT_TRUE(m.send("Crash report", "body"));
  m.poll();
  clock_.advance(seconds(3600));
  m.poll();
  EXPECT_EQ(m.queued(), 0u);
  EXPECT_EQ(m.in_flight(), 0u);
  EXPECT_EQ(m.sent(), 0u);
  EXPECT_EQ(queue_listing(), Strings{});
  EXPECT_FALSE(exists(attempts_));  // sendmail never ran
  EXPECT_NE(log.text().find("info: SendMail is off: mail 'Crash report' not sent"),
            std::string::npos)
      << log.text();
}

TEST_F(MailerTest, FailureKeepsTheFileLogsItAndRetriesWithBackoff) {
  testing::LogCapture log;
  const std::string cmd = failing("sendmail");
  Mailer m(settings(cmd), clock_);
  ASSERT_TRUE(m.send("Disk low", "host1: / has 2% free\n"));
  ASSERT_TRUE(pump(m, [&] { return m.failed_attempts() == 1; }));
  EXPECT_EQ(m.in_flight(), 0u);
  EXPECT_EQ(m.queued(), 1u);
  ASSERT_EQ(m.queue_files().size(), 1u);
  const std::string file = m.queue_files()[0];
  EXPECT_TRUE(exists(file));
  EXPECT_NE(log.text().find("warning: mail '[Bro] Disk low' (" + file + "): '" + cmd +
                            " -t' exited with status 1: sendmail: fatal: no recipient "
                            "addresses; kept queued, next try in 60 s"),
            std::string::npos)
      << log.text();
  EXPECT_EQ(log.text().find("second line"), std::string::npos);

  // First retry after a minute, not before.
  clock_.advance(seconds(59));
  m.poll();
  EXPECT_EQ(m.in_flight(), 0u);
  EXPECT_EQ(attempts(), 1u);
  clock_.advance(seconds(1));
  m.poll();
  EXPECT_EQ(m.in_flight(), 1u);
  ASSERT_TRUE(pump(m, [&] { return m.failed_attempts() == 2; }));
  // Then after two minutes.
  clock_.advance(seconds(119));
  m.poll();
  EXPECT_EQ(m.in_flight(), 0u);
  EXPECT_EQ(attempts(), 2u);
  clock_.advance(seconds(1));
  m.poll();
  ASSERT_TRUE(pump(m, [&] { return m.failed_attempts() == 3; }));
  EXPECT_NE(log.text().find("next try in 240 s"), std::string::npos);

  // sendmail works again: the kept file goes out at its next try and is removed.
  good("sendmail");
  clock_.advance(seconds(240));
  ASSERT_TRUE(pump(m, [&] { return m.sent() == 1; }));
  EXPECT_EQ(m.queued(), 0u);
  EXPECT_FALSE(exists(file));
  ASSERT_EQ(mails().size(), 1u);
  EXPECT_NE(slurp(mails()[0]).find("\nSubject: [Bro] Disk low\n"), std::string::npos);
  EXPECT_EQ(attempts(), 4u);
}

TEST_F(MailerTest, MissingBinaryIsAFailedAttemptWithBackoffCappedAtOneHour) {
  testing::LogCapture log;
  Mailer m(settings(dir_ / "no-such-sendmail"), clock_);
  ASSERT_TRUE(m.send("Crash report", "body"));  // queued: not an error of send()
  EXPECT_EQ(m.failed_attempts(), 1u);
  EXPECT_EQ(m.queued(), 1u);
  EXPECT_NE(log.text().find("cannot execute '" + dir_ / "no-such-sendmail" +
                            "': No such file or directory; kept queued, next try in 60 s"),
            std::string::npos)
      << log.text();
  std::uint64_t failures = 1;
  for (int delay : {60, 120, 240, 480, 960, 1920, 3600, 3600}) {
    clock_.advance(seconds(delay - 1));
    m.poll();
    EXPECT_EQ(m.failed_attempts(), failures) << "retried before " << delay << " s";
    clock_.advance(seconds(1));
    m.poll();
    EXPECT_EQ(m.failed_attempts(), ++failures) << "not retried after " << delay << " s";
  }
  EXPECT_EQ(m.queued(), 1u);
}

TEST_F(MailerTest, CommandNotInPathOrEmptyIsAFailedAttempt) {
  testing::LogCapture log;
  MailSettings s = settings("x");
  s.command = "no-such-sendmail-4711 -t";
  Mailer m(s, clock_);
  ASSERT_TRUE(m.send("a", "b"));
  EXPECT_EQ(m.failed_attempts(), 1u);
  EXPECT_NE(log.text().find("cannot execute 'no-such-sendmail-4711': not found in PATH"),
            std::string::npos)
      << log.text();
  s.command = "  ";
  Mailer empty(s, clock_);  // the same queue: now two files (one each)
  ASSERT_TRUE(empty.send("c", "d"));
  EXPECT_GE(empty.failed_attempts(), 1u);
  EXPECT_NE(log.text().find("SendMailCommand is empty"), std::string::npos);
}

TEST_F(MailerTest, HangingSendmailIsKilledAfterTheTimeoutWithItsHelpers) {
  testing::LogCapture log;
  Mailer m(settings(sleeping()), clock_);
  ASSERT_TRUE(m.send("Hang", "body"));
  ASSERT_TRUE(testing::wait_for([&] { return slurp(dir_ / "sleep.pid").size() > 1; }));
  const pid_t helper = std::atoi(slurp(dir_ / "sleep.pid").c_str());
  clock_.advance(Mailer::kTimeout - seconds(1));
  m.poll();
  EXPECT_EQ(m.in_flight(), 1u);
  EXPECT_EQ(m.failed_attempts(), 0u);
  clock_.advance(seconds(2));
  ASSERT_TRUE(pump(m, [&] { return m.failed_attempts() == 1; }));
  EXPECT_EQ(m.in_flight(), 0u);
  EXPECT_EQ(m.queued(), 1u);
  EXPECT_NE(log.text().find("timed out after 60 s and was killed; kept queued"), std::string::npos)
      << log.text();
  EXPECT_TRUE(testing::wait_for([&] { return process_gone(helper); }));
}

TEST_F(MailerTest, AtMostFourSendmailsRunAtOnce) {
  Mailer m(settings(sleeping()), clock_);
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(m.send("Mail " + std::to_string(i), "body"));
  EXPECT_EQ(m.in_flight(), Mailer::kMaxChildren);
  EXPECT_EQ(m.queued(), 6u);
  m.poll();
  EXPECT_EQ(m.in_flight(), Mailer::kMaxChildren);
  // The four time out; their slots go to the two that waited.
  clock_.advance(Mailer::kTimeout + seconds(1));
  ASSERT_TRUE(pump(m, [&] { return m.failed_attempts() == 4 && m.in_flight() == 2; }));
  EXPECT_EQ(m.queued(), 6u);
}

TEST_F(MailerTest, QueuedMailIsSentByTheNextMailer) {
  {
    Mailer first(settings(failing()), clock_);
    ASSERT_TRUE(first.send("Crash report: proxy-1", "details\n"));
    ASSERT_TRUE(pump(first, [&] { return first.failed_attempts() == 1; }));
  }  // the collector goes away with the mail still queued
  Mailer second(settings(good()), clock_);
  EXPECT_EQ(second.queued(), 1u);
  EXPECT_EQ(second.in_flight(), 0u);
  // Retried at once on start, not after the backoff of the previous run.
  ASSERT_TRUE(pump(second, [&] { return second.sent() == 1; }));
  ASSERT_EQ(mails().size(), 1u);
  const std::string text = slurp(mails()[0]);
  EXPECT_NE(text.find("\nSubject: [Bro] Crash report: proxy-1\n"), std::string::npos);
  EXPECT_EQ(body_of(text), "details\n");
  EXPECT_EQ(queue_listing(), Strings{});
}

TEST_F(MailerTest, ShutdownKillsARunningSendmailAndKeepsTheMail) {
  {
    Mailer m(settings(sleeping()), clock_);
    ASSERT_TRUE(m.send("Interrupted", "body"));
    ASSERT_TRUE(testing::wait_for([&] { return slurp(dir_ / "sleep.pid").size() > 1; }));
  }
  const pid_t helper = std::atoi(slurp(dir_ / "sleep.pid").c_str());
  EXPECT_TRUE(testing::wait_for([&] { return process_gone(helper); }));
  Mailer next(settings(good()), clock_);
  EXPECT_EQ(next.queued(), 1u);
  ASSERT_TRUE(pump(next, [&] { return next.sent() == 1; }));
  EXPECT_NE(slurp(mails()[0]).find("Subject: [Bro] Interrupted"), std::string::npos);
}

TEST_F(MailerTest, TemporariesOfACrashedSendAreRemovedAtStart) {
  write_file(queue_ + "/.0001-1-1.mail.tmp", "From: half a mess");
  write_file(queue_ + "/.stderr-AbC123", "sendmail: something");
  write_file(queue_ + "/README", "not mail");
  Mailer m(settings(good()), clock_);
  EXPECT_EQ(m.queued(), 0u);
  EXPECT_EQ(queue_listing(), Strings{"README"});
}

TEST_F(MailerTest, UnwritableQueueIsAnErrorNamingThePath) {
  write_file(dir_ / "file", "x");
  MailSettings s = settings(good());
  s.queue_dir = dir_ / "file/mail";  // under a regular file: fails even for root
  testing::LogCapture log;
  Mailer m(s, clock_);
  Status st = m.send("Lost?", "body");
  EXPECT_EQ(st.code(), ErrorCode::kIo);
  EXPECT_NE(st.message().find(dir_ / "file/mail"), std::string::npos) << st.message();
  EXPECT_EQ(m.queued(), 0u);
  EXPECT_NE(log.text().find("error: mail 'Lost?' could not be queued"), std::string::npos)
      << log.text();
}

}  // namespace
}  // namespace bc::collector
