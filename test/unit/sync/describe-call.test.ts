import { describe, expect, it } from 'vitest';
import type { RecordingInsights } from '../../../src/calls/recording-insights.ts';
import { parseInsightsNotification } from '../../../src/ringcentral/insights-event.schema.ts';
import { speakerNamer } from '../../../src/sync/build-drafts.ts';
import { describeCall, formatScore, readVersion, scoreLine, type DescribeOptions } from '../../../src/sync/describe-call.ts';
import { plainInsights } from '../../../src/sync/plain-insights.ts';
import { loadEventFixture, type FixtureName, asCall } from '../../support/fixtures.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

function insights(name: FixtureName): RecordingInsights {
  const r = parseInsightsNotification(loadEventFixture(name), ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  return asCall(r.value.body);
}

/** As buildDrafts calls it: the payload's text through plainInsights, speakers by name. */
function describe_(body: RecordingInsights, over: Partial<DescribeOptions> = {}): string {
  const plain = plainInsights(body);
  return describeCall(plain, { includeHighlights: true, includeNextSteps: true, includeTranscript: false, speakerName: speakerNamer(plain), ...over });
}

/** The block titles (and one-line blocks) of a Description, in order. */
const blocks = (text: string) => text.split('\n\n').map((b) => b.split('\n')[0]);

describe('describeCall: every insight, in the order a rep reads', () => {
  it('writes summary and bulleted sections, score and sentiment, next steps, highlights, questions, call notes, the link, then the call facts', () => {
    expect(describe_(insights('inbound-highlights'))).toBe(
      [
        'Summary (RingSense)',
        'Sean from Northwind is evaluating warehouse robots for three sites (about 40 units) with a pilot in November; Maria will send a quote and pilot plan.',
        'Overview:',
        '- Evaluating warehouse robots',
        '- Three sites, about forty robots',
        'Timeline:',
        '- Pilot in November',
        '',
        'Score: 8/10 · Sentiment: Positive',
        '',
        'Next steps',
        '- [05:00] Maria Garcia: Send Northwind a quote for 40 units and a pilot plan.',
        "- [05:07] Sean O'Brien: Share the floor plans of the three sites with Maria this week.",
        '',
        'Highlights',
        "- [00:16] Sean O'Brien: Three sites, about forty robots, pilot in November.",
        '',
        'Questions asked',
        '- [00:12] Maria Garcia: How many sites are you looking to automate?',
        '',
        'Call notes',
        'Northwind: 3 sites, about 40 robots, pilot in November. Maria sends the quote and pilot plan; Sean shares floor plans.',
        '',
        'RingSense: https://ringsense.ringcentral.com/calls/7d3c1f9e-51a2-4c55-8c1b-0b9a2f6e4d11',
        '',
        'Inbound call, 6 min 53 s, started 2024-09-05 14:40:02 UTC',
        'RingCentral recording 2728084995101, session s-b11f0c2de4a5ab7c8d9e0f1a2b3c4d5e0000',
        'RingSense insights updated 2024-09-05T15:01:40.200Z',
      ].join('\n'),
    );
  });

  it('leaves out what the call does not have, rather than showing it empty', () => {
    const text = describe_(insights('no-next-steps'));
    expect(blocks(text)).toEqual(['Summary (RingSense)', 'Score: 9/10 · Sentiment: Positive', 'Outbound call, 45 s, started 2024-09-10 09:00:00 UTC']);
    // A bulleted summary without sections (as RingCX sends it): points under the paragraphs, no section name.
    expect(text).toContain('Summary (RingSense)\nTracy confirmed the contract was received and signed.\n- The contract is signed.\n\n');
    const documented = describe_(insights('documented-example'));
    expect(documented).not.toMatch(/Score|Sentiment|Questions asked|Call notes|RingSense: /);
  });

  it('shows the bulleted summary alone when there are no summary paragraphs, and one of score or sentiment alone', () => {
    const body = insights('inbound-highlights');
    const text = describe_({ ...body, insights: { ...body.insights, Summary: [], AIScore: undefined } });
    expect(text.startsWith('Summary (RingSense)\nOverview:\n- Evaluating warehouse robots\n')).toBe(true);
    expect(blocks(text)[1]).toBe('Sentiment: Positive');
    const none = describe_({ ...body, insights: { ...body.insights, Summary: [], BulletedSummary: [{ value: '  ' }] } });
    expect(none.startsWith('Summary (RingSense)\n(RingSense produced no summary for this call.)\n\n')).toBe(true);
  });

  it('keeps the admin switches for next steps, highlights and the transcript; questions and call notes show when present', () => {
    const text = describe_(insights('inbound-highlights'), { includeHighlights: false, includeNextSteps: false, includeTranscript: true });
    expect(blocks(text)).toEqual([
      'Summary (RingSense)',
      'Score: 8/10 · Sentiment: Positive',
      'Questions asked',
      'Call notes',
      'RingSense: https://ringsense.ringcentral.com/calls/7d3c1f9e-51a2-4c55-8c1b-0b9a2f6e4d11',
      'Inbound call, 6 min 53 s, started 2024-09-05 14:40:02 UTC',
      'Transcript',
    ]);
    expect(readVersion(text)).toBe('2024-09-05T15:01:40.200Z');
  });

  it('puts the text of every new insight type through the one plain-text door', () => {
    const body = insights('inbound-highlights');
    const bad = (t: string) => `${t}\r\nINJECTED: x\u0000 \u001b[31m\u202e`;
    const hostile: RecordingInsights = {
      ...body,
      insights: {
        ...body.insights,
        BulletedSummary: body.insights.BulletedSummary!.map((b) => ({ value: bad(b.value), section: bad(b.section ?? '') })),
        AIScore: [{ value: bad('8') }],
        Sentiment: [{ value: bad('Positive') }],
        CallNotes: body.insights.CallNotes!.map((n) => ({ value: bad(n.value) })),
        QnA: body.insights.QnA!.map((q) => ({ ...q, value: bad(q.value) })),
      },
    };
    const text = describe_(hostile);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text.split('\n').filter((l) => l.startsWith('INJECTED'))).toEqual([]);
    expect(text.split('\n')).toHaveLength(describe_(body).split('\n').length);
    expect(text).toContain('Overview INJECTED: x:\n- Evaluating warehouse robots INJECTED: x');
    expect(text).toContain('Score: 8 INJECTED: x · Sentiment: Positive INJECTED: x');
  });
});

describe('describeCall: what is cut first to fit the limit', () => {
  const body = insights('very-long-call');

  /** How many of each kind survive at a given limit (no transcript). */
  function survivors(limit: number) {
    const text = describe_(body, { limit });
    const count = (re: RegExp) => text.split('\n').filter((l) => re.test(l)).length;
    return { text, questions: count(/^- \[[\d:]+\] Amelia Hart: Question/), highlights: count(/: Highlight \d+:/), steps: count(/: Follow up on the/), notes: count(/^Notes from the review/) };
  }

  it('cuts the transcript first, and says so', () => {
    const text = describe_(body, { includeTranscript: true });
    expect(text.length).toBeLessThanOrEqual(32_000);
    expect(text).toMatch(/\[\d+ of 1500 transcript lines cut to fit/);
    expect(text).toContain('Question 15:');
    expect(text).toContain('Notes from the review.');
  });

  it('then the questions, then the call notes, then highlights, then next steps; the summary, link and facts last', () => {
    const full = survivors(100_000);
    expect(full).toMatchObject({ questions: 15, highlights: 30, steps: 20, notes: 1 });
    const len = full.text.length;
    const questionsBlock = full.text.slice(full.text.indexOf('Questions asked'), full.text.indexOf('Call notes')).length;

    const fewerQuestions = survivors(len - 300);
    expect(fewerQuestions).toMatchObject({ highlights: 30, steps: 20, notes: 1 });
    expect(fewerQuestions.questions).toBeLessThan(15);
    expect(fewerQuestions.text).toMatch(/\[\d+ of 15 questions cut to fit/);

    const noQuestions = survivors(len - questionsBlock - 400);
    expect(noQuestions).toMatchObject({ questions: 0, highlights: 30, steps: 20 });
    expect(noQuestions.text).toMatch(/\[15 of 15 questions cut to fit/);
    expect(noQuestions.text).toMatch(/Notes from the review.*…$/m); // one long line: shortened, not dropped

    const tight = survivors(4_000);
    expect(tight.text.length).toBeLessThanOrEqual(4_000);
    expect(tight).toMatchObject({ questions: 0, notes: 0, highlights: 0 });
    expect(tight.steps).toBeGreaterThan(0);
    expect(tight.text).toContain('Score: 7/10 · Sentiment: Neutral');
    expect(tight.text).toContain('RingSense: https://ringsense.ringcentral.com/calls/');
    expect(readVersion(tight.text)).toBe('2024-09-11T15:58:00.000Z');
    expect(tight.text).toContain('Part 12 of the review'); // the summary is whole
  });

  it('never leaves a bulleted section name with nothing under it', () => {
    // A summary filling the limit: the bulleted points are cut from the end, and an emptied section's name with them.
    const huge = { ...body, insights: { ...body.insights, Summary: [{ value: 'Budget. '.repeat(3950) }] } };
    const text = describe_(huge, { includeHighlights: false, includeNextSteps: false });
    expect(text.length).toBeLessThanOrEqual(32_000);
    const summary = text.split('\n\n')[0]!.split('\n');
    // Every point and both section names went; the long paragraph before them was shortened, not dropped.
    expect(summary.at(-1)).toMatch(/^\[6 of 7 summary lines cut to fit/);
    expect(summary.at(-2)).toMatch(/^Budget\. Budget\..*…$/);
    expect(summary.filter((l) => l === 'Risks:')).toEqual([]);

    // Cut within the points: the last section's only point goes, and its name with it; the first section stays.
    const points = [...Array.from({ length: 10 }, (_, i) => ({ value: `Status point ${i + 1}`, section: 'Status' })), { value: 'The one risk', section: 'Risks' }];
    const small = { ...body, rsRecordUri: undefined, insights: { ...body.insights, Summary: [], BulletedSummary: points, AIScore: undefined, Sentiment: undefined, QnA: undefined, CallNotes: undefined } };
    const opts = { includeHighlights: false, includeNextSteps: false };
    const whole = describe_(small, opts);
    const cut = describe_(small, { ...opts, limit: whole.length - 5 }).split('\n\n')[0]!.split('\n');
    expect(cut.slice(0, 2)).toEqual(['Summary (RingSense)', 'Status:']);
    expect(cut).not.toContain('Risks:');
    expect(cut.at(-2)).toMatch(/^- Status point \d+$/);
    expect(cut.at(-1)).toMatch(/^\[\d+ of 11 summary lines cut to fit/);
  });
});

describe('the score line', () => {
  it.each([
    ['7', '7/10'],
    ['8', '8/10'],
    [' 7.5 ', '7.5/10'],
    ['7.46', '7.5/10'],
    ['7,5', '7.5/10'],
    ['0', '0/10'],
    ['10', '10/10'],
    ['85', '85'],
    ['-1', '-1'],
    ['N/A', 'N/A'],
    ['1e3', '1e3'],
    ['Infinity', 'Infinity'],
  ])('shows the AI score %j as %j', (raw, shown) => {
    expect(formatScore(raw)).toBe(shown);
  });

  it('shows nothing for no score, and an overlong one short', () => {
    expect(formatScore(undefined)).toBeUndefined();
    expect(formatScore('   ')).toBeUndefined();
    expect(formatScore('very good call '.repeat(20))!.length).toBeLessThanOrEqual(40);
  });

  it('takes the first value given, and is absent with neither score nor sentiment', () => {
    const body = insights('documented-example');
    const line = (AIScore?: Array<{ value: string }>, Sentiment?: Array<{ value: string }>) => scoreLine({ ...body, insights: { ...body.insights, AIScore, Sentiment } });
    expect(line([{ value: '' }, { value: '6' }], [{ value: 'Negative' }, { value: 'Positive' }])).toBe('Score: 6/10 · Sentiment: Negative');
    expect(line([{ value: '6' }])).toBe('Score: 6/10');
    expect(line(undefined, [{ value: 'Neutral' }])).toBe('Sentiment: Neutral');
    expect(line([], [])).toBeUndefined();
    expect(line()).toBeUndefined();
  });
});

describe('plainInsights: made once per insights', () => {
  it('returns the same plain copy every time it is asked for one call, and a plain copy is its own', () => {
    const body = { ...insights('inbound-highlights'), title: 'Quote\u0007 call' };
    const plain = plainInsights(body);
    expect(plain.title).toBe('Quote call');
    expect(plainInsights(body)).toBe(plain);
    expect(plainInsights(plain)).toBe(plain);
    expect(plainInsights({ ...body })).not.toBe(plain); // another object is another call's: made anew
  });
});
