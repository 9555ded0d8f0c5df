"""The summary an initiator gets when a stage of many people closes at its deadline (an
acknowledgement campaign, ``then: close``): how many answered of how many, by department, and
who has not. A campaign to 500 people stays readable: the counts go by department, and the
names of those who have not answered stop at :data:`MAX_NAMES` ("…and 37 more"); the page and
its CSV, linked from the mail, list everyone.
"""

from __future__ import annotations

from sqlmodel import Session

from approvals import present
from approvals.core.model import Process
from approvals.records import campaigns
from approvals.store.models import Instance
from mail import wording

MAX_NAMES = 50
PAGE = "/instances/{id}/acknowledgements"


def summary(session: Session, instance: Instance, process: Process, locale: str,
            base_url: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The summary's lines, and its links (the page, the CSV)."""
    found = campaigns.campaign(session, instance, process)
    answer = present.stage_answer(process, found.stage, locale)
    lines = [wording.t("campaign.progress", locale, done=len(found.done), total=found.total,
                       answer=answer, percent=found.percent)]
    no_department = wording.t("campaign.no_department", locale)
    lines += [wording.t("campaign.mail.department", locale, department=d.name or no_department,
                        done=d.done, total=d.total) for d in found.departments()]
    missing = found.not_done
    if missing:
        lines.append(wording.t("campaign.not_answered", locale, count=len(missing)))
        lines += ["— " + wording.t("campaign.mail.person", locale, name=a.name,
                                   department=a.department or no_department)
                  for a in missing[:MAX_NAMES]]
        if len(missing) > MAX_NAMES:
            lines.append(wording.t("campaign.mail.more", locale,
                                   count=len(missing) - MAX_NAMES))
    page = base_url.rstrip("/") + PAGE.format(id=instance.id)
    return lines, [(wording.t("campaign.mail.page", locale), page),
                   (wording.t("campaign.csv", locale), page + ".csv")]
