#include "config/analysis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bc::config {

// Found by argument-dependent lookup from std::vector's ==, so not in the unnamed namespace.
bool operator==(const AnalysisType& a, const AnalysisType& b) {
  return a.name == b.name && a.description == b.description && a.enabled == b.enabled;
}

namespace {

using ::testing::HasSubstr;

TEST(Analysis, DefaultsAreTheManualsTableAllEnabled) {
  const std::vector<AnalysisType> d = default_analysis();
  ASSERT_EQ(d.size(), 8u);
  const char* names[] = {"dns",        "ftp",         "http-body", "http-request",
                         "http-reply", "http-header", "scan",      "smtp"};
  for (std::size_t i = 0; i < d.size(); ++i) {
    EXPECT_EQ(d[i].name, names[i]);
    EXPECT_TRUE(d[i].enabled);
  }
  EXPECT_EQ(d[0].description, "DNS analysis (dns.bro)");
  EXPECT_EQ(d[4].description,
            "Client- and server-side HTTP analysis (http-request.bro/http-reply.bro)");
}

TEST(Analysis, ParsesFlagsAndDescriptionsAndFillsMissingTypes) {
  Diagnostics diags;
  const auto types =
      parse_analysis("# comment\n\nscan 0 Scan detection, tuned\nDNS 1\n", "analysis.dat", diags);
  EXPECT_EQ(diags.render_all(), "");
  ASSERT_EQ(types.size(), 8u);
  EXPECT_EQ(types[6].name, "scan");
  EXPECT_FALSE(types[6].enabled);
  EXPECT_EQ(types[6].description, "Scan detection, tuned");
  EXPECT_TRUE(types[0].enabled);
  EXPECT_EQ(types[0].description, "DNS analysis (dns.bro)");  // kept when the line has none
  EXPECT_TRUE(types[1].enabled);                              // missing -> default
}

TEST(Analysis, UnknownTypeListsKnownOnes) {
  Diagnostics diags;
  parse_analysis("dns 1 x\nssh 1 SSH analysis\n", "analysis.dat", diags);
  EXPECT_THAT(diags.render_all(),
              HasSubstr("Error: analysis.dat:2: unknown analysis type 'ssh' (known: dns, ftp, "
                        "http-body, http-request, http-reply, http-header, scan, smtp)"));
}

TEST(Analysis, BadFlag) {
  Diagnostics diags;
  const auto types = parse_analysis("ftp yes FTP\nsmtp\n", "analysis.dat", diags);
  EXPECT_THAT(diags.render_all(), HasSubstr("Error: analysis.dat:1: invalid flag 'yes' for "
                                            "analysis type 'ftp' (expected 0 or 1)"));
  EXPECT_THAT(diags.render_all(), HasSubstr("Error: analysis.dat:2: invalid flag '' for analysis "
                                            "type 'smtp' (expected 0 or 1)"));
  EXPECT_TRUE(types[1].enabled);
}

TEST(Analysis, DuplicateWarns) {
  Diagnostics diags;
  const auto types = parse_analysis("dns 1\ndns 0\n", "analysis.dat", diags);
  EXPECT_THAT(diags.render_all(), HasSubstr("Warning: analysis.dat:2: duplicate analysis type "
                                            "'dns' (first on line 1); the last line wins"));
  EXPECT_FALSE(types[0].enabled);
}

TEST(Analysis, RenderRoundTrips) {
  std::vector<AnalysisType> types = default_analysis();
  types[2].enabled = false;
  types[7].enabled = false;
  types[3].description = "changed # with hash";
  const std::string text = render_analysis(types);
  EXPECT_THAT(text, HasSubstr("http-body 0 HTTP body analysis (http-body.bro).\n"));
  Diagnostics diags;
  EXPECT_EQ(parse_analysis(text, "analysis.dat", diags), types);
  EXPECT_EQ(diags.render_all(), "");
  EXPECT_EQ(parse_analysis(render_analysis(default_analysis()), "a", diags), default_analysis());
}

}  // namespace
}  // namespace bc::config
