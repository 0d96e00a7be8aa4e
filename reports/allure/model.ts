// The part of the allure-results format kconform writes: `<uuid>-result.json` files as
// allure-js-commons writes them (and allure-commandline and Allure 3 read them).

export type AllureStatus = "passed" | "failed" | "broken" | "skipped";

export interface AllureLabel {
  name: "suite" | "parentSuite" | "subSuite" | "feature" | "story" | "tag" | "framework" | "host" | "severity";
  value: string;
}

export interface AllureParameter {
  name: string;
  value: string;
  /** Left out of Allure's own history id: a seed differs per run, the test is the same. */
  excluded?: boolean;
}

export interface AllureAttachment {
  name: string;
  type: string;
  /** File name inside allure-results: `<uuid>-attachment.<ext>`. */
  source: string;
}

export interface AllureStatusDetails {
  message?: string;
  trace?: string;
}

export interface AllureStep {
  name: string;
  status: AllureStatus;
  statusDetails: AllureStatusDetails;
  stage: "finished";
  start: number;
  stop: number;
  steps: AllureStep[];
  attachments: AllureAttachment[];
  parameters: AllureParameter[];
}

export interface AllureTestResult extends Omit<AllureStep, "name"> {
  uuid: string;
  historyId: string;
  testCaseId: string;
  name: string;
  fullName: string;
  description?: string;
  labels: AllureLabel[];
  links: { name?: string; url: string; type?: string }[];
}

export interface AllureExecutor {
  name: string;
  type: string;
  buildName?: string;
  reportName?: string;
}
