import "server-only";
import { type Deadline, deadlineIn } from "@/lib/deadline";
import { env } from "@/lib/env";

export type { Deadline };

/** Started where a click arrives, so that everything it waits for counts against one budget. */
export function clickDeadline(): Deadline {
  return deadlineIn(env().clickDeadlineMs);
}
