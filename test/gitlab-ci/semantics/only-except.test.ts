import { describe, it } from "vitest";
import { branch, mr, tag } from "../simulate/build.js";
import { checkCase, type SemanticsCase } from "./harness.js";

describe("ci/yaml#only--except", () => {
  it.each<SemanticsCase>([
    { name: "Y#only--except: no only/except means only: [branches, tags], not MR pipelines", files: "j:\n  script: x\nm:\n  script: x\n  only: [merge_requests]\n", ctx: { ref: mr("f", "main") }, jobs: ["m"] },
    { name: "Y#only--except: only: [merge_requests] is not in a branch pipeline", files: "j:\n  script: x\nm:\n  script: x\n  only: [merge_requests]\n", ctx: { ref: branch("f") }, jobs: ["j"] },
    { name: "Y#only--except: except: [tags] keeps the implicit only (no MR pipelines)", files: "j:\n  script: x\n  except: [tags]\nm:\n  script: x\n  only: [merge_requests]\n", ctx: { ref: mr("f", "main") }, jobs: ["m"] },
    { name: "Y#only--except: except: [tags] on a tag", files: "j:\n  script: x\n  except: [tags]\nk:\n  script: x\n", ctx: { ref: tag("v1") }, jobs: ["k"] },
    { name: "Y#only--except: except: [tags] on a branch", files: "j:\n  script: x\n  except: [tags]\n", ctx: { ref: branch("dev") }, jobs: ["j"] },
    { name: "Y#onlyrefs: a regex with the i flag", files: "j:\n  script: x\n  only: ['/^release-/i']\nk:\n  script: x\n", ctx: { ref: branch("RELEASE-1") }, jobs: ["j", "k"] },
    { name: "Y#onlyrefs: a regex is searched, not anchored", files: "j:\n  script: x\n  only: ['/stable/']\n", ctx: { ref: branch("old-stable-2") }, jobs: ["j"] },
    { name: "Y#onlyrefs: a regex never matches an MR pipeline", files: "j:\n  script: x\n  only: ['/^f/', merge_requests]\nk:\n  script: x\n  only: ['/^f/']\nm:\n  script: x\n  only: [merge_requests]\n", ctx: { ref: mr("f", "main") }, jobs: ["j", "m"] },
    { name: "Y#onlyrefs: schedules keyword", files: "j:\n  script: x\n  only: [schedules]\nk:\n  script: x\n", ctx: { source: "schedule" }, jobs: ["j", "k"] },
    { name: "Y#onlyrefs: a schedule is also a branch pipeline", files: "j:\n  script: x\n  only: [branches]\n", ctx: { source: "schedule" }, jobs: ["j"] },
    { name: "Y#onlyrefs: web keyword matches a Run pipeline pipeline", files: "j:\n  script: x\n  only: [web]\nk:\n  script: x\n  except: [web]\n", ctx: { source: "web" }, jobs: ["j"] },
    { name: "Y#onlyrefs: pushes matches a branch push", files: "j:\n  script: x\n  only: [pushes]\n", jobs: ["j"] },
    { name: "Y#onlyrefs: pushes does not match a schedule", files: "j:\n  script: x\n  only: [pushes]\nk:\n  script: x\n", ctx: { source: "schedule" }, jobs: ["k"] },
    { name: "Y#onlyrefs: triggers keyword", files: "j:\n  script: x\n  only: [triggers]\n", ctx: { source: "trigger" }, jobs: ["j"] },
    { name: "Y#onlyrefs: api keyword", files: "j:\n  script: x\n  only: [api]\n", ctx: { source: "api" }, jobs: ["j"] },
    { name: "Y#onlyrefs: pipelines keyword (multi-project)", files: "j:\n  script: x\n  only: [pipelines]\n", ctx: { source: "pipeline" }, jobs: ["j"] },
    { name: "Y#onlyrefs: branch@project for another project", files: "j:\n  script: x\n  only: ['main@upstream/proj']\nk:\n  script: x\n", jobs: ["k"] },
    { name: "Y#onlyvariables: any expression matching is enough", files: "j:\n  script: x\n  only:\n    variables: ['$A == \"1\"', '$B']\n", ctx: { variables: { B: "yes" } }, jobs: ["j"] },
    { name: "Y#onlyvariables: keeps the default refs (not in MR pipelines)", files: "j:\n  script: x\n  only:\n    variables: ['$CI_MERGE_REQUEST_IID']\nm:\n  script: x\n  only: [merge_requests]\n", ctx: { ref: mr("f", "main") }, jobs: ["m"] },
    { name: "Y#exceptvariables: excludes when one matches", files: "j:\n  script: x\n  except:\n    variables: ['$SKIP']\nk:\n  script: x\n", ctx: { variables: { SKIP: "1" } }, jobs: ["k"] },
    { name: "Y#onlychanges: a tag pipeline runs only:changes jobs", files: "j:\n  script: x\n  only:\n    changes: [docs/*]\n", ctx: { ref: tag("v1") }, jobs: ["j"] },
    { name: "Y#onlychanges: except:changes never runs in a tag pipeline", files: "j:\n  script: x\n  except:\n    changes: [docs/*]\nk:\n  script: x\n", ctx: { ref: tag("v1") }, jobs: ["k"] },
    {
      name: "WF#workflowrules: with workflow:rules a job without only/except is also in MR pipelines",
      files: "workflow:\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n    - if: $CI_COMMIT_BRANCH\nj:\n  script: x\nk:\n  script: x\n  except: [tags]\n",
      ctx: { ref: mr("f", "main") },
      jobs: ["j", "k"],
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});
