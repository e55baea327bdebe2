// DESIGN.md's dependency direction, checked over the #include lines of every source file:
// cli -> reports -> {alert, explain} -> gate -> stats -> core, and cli -> fetch -> core.
// The root include path lets any file include any other, and the link graph only catches
// an edge once a symbol is used, so an upward include fails here first.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace perfgate {
namespace {

namespace fs = std::filesystem;

// What each layer (a folder, or a wing of fetch/) may include besides itself.
const std::map<std::string, std::set<std::string>> kAllowed = {
    {"core", {}},
    {"stats", {"core"}},
    {"fetch/files", {"core"}},
    {"fetch/http", {"core"}},
    {"fetch/sentry", {"core", "fetch/files", "fetch/http"}},
    {"gate", {"core", "stats"}},
    {"alert", {"core", "stats", "gate"}},
    {"explain", {"core", "stats", "gate"}},
    {"reports", {"core", "stats", "gate", "alert", "explain"}},
    {"cli",
     {"core", "stats", "gate", "alert", "explain", "reports", "fetch/files", "fetch/http",
      "fetch/sentry"}},
};

// The layer of a path relative to the source root ("fetch/http/url.h" -> "fetch/http"), or "".
std::string LayerOf(const std::string& path) {
  for (const auto& [layer, allowed] : kAllowed) {
    if (path.starts_with(layer + "/")) return layer;
  }
  return "";
}

TEST(Layering, NoIncludeGoesAgainstTheDependencyDirection) {
  const fs::path root = PERFGATE_SOURCE_DIR;
  std::size_t files = 0;
  for (const auto& [layer, allowed] : kAllowed) {
    if (!fs::exists(root / layer)) continue;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root / layer)) {
      const std::string extension = entry.path().extension().string();
      if (extension != ".h" && extension != ".cc") continue;
      const std::string path = fs::relative(entry.path(), root).string();
      if (LayerOf(path) != layer) continue;  // fetch/ itself holds only its wings
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        if (!line.starts_with("#include \"")) continue;
        const std::string included = line.substr(10, line.find('"', 10) - 10);
        const std::string target = LayerOf(included);
        EXPECT_TRUE(target.empty() || target == layer || allowed.contains(target))
            << path << ":" << number << ": " << layer << " must not include " << included << " ("
            << target << ")";
        EXPECT_FALSE(included.starts_with("tests/") || included.starts_with("bench/"))
            << path << ":" << number << ": production code includes " << included;
      }
    }
  }
  EXPECT_GT(files, 100u);  // the walk found the sources
}

TEST(Layering, NoHeaderIncludesAnEntryPointOfItsOwnFolder) {
  // Shared types live apart from the code that dispatches over them: the readers' options
  // in read_options.h, not the format dispatcher; the CLI's environment and options in
  // cli_env.h and options.h, not the command table or the commands. An entry point is
  // included only by the .cc files that use it and by other folders.
  const fs::path root = PERFGATE_SOURCE_DIR;
  const std::set<std::string> entry_points = {"fetch/files/sample_reader.h", "cli/run_cli.h",
                                              "cli/commands.h"};
  for (const std::string& entry_point : entry_points) {
    const fs::path folder = root / fs::path(entry_point).parent_path();
    for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
      if (entry.path().extension() != ".h") continue;
      const std::string path = fs::relative(entry.path(), root).string();
      std::ifstream in(entry.path());
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        EXPECT_NE(line, "#include \"" + entry_point + "\"")
            << path << ":" << number << ": a header of the folder includes its entry point";
      }
    }
  }
}

TEST(Layering, EveryLayerIsKnown) {
  // A new top-level folder with sources must take its place in kAllowed above.
  const fs::path root = PERFGATE_SOURCE_DIR;
  const std::set<std::string> outside = {"tests",   "bench", "build", "docs",      "examples",
                                         "scripts", "fetch", "fuzz",  "packaging", "templates"};
  for (const fs::directory_entry& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.starts_with(".") || name.starts_with("build") ||
        outside.contains(name))
      continue;
    EXPECT_TRUE(kAllowed.contains(name)) << name << "/ is not a layer of DESIGN.md's direction";
  }
}

}  // namespace
}  // namespace perfgate
