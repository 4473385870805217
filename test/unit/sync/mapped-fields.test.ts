import { describe, expect, it } from 'vitest';
import type { RecordingInsights } from '../../../src/calls/recording-insights.ts';
import type { TaskFieldSource } from '../../../src/config/mapping.schema.ts';
import { fieldInfoOf } from '../../../src/salesforce/rest.ts';
import { cutLines, fieldProblems, mappedFields, namedFields, producedValues, sourceValue } from '../../../src/sync/mapped-fields.ts';
import type { FieldCatalog, TaskFieldInfo } from '../../../src/sync/task-store.port.ts';

const insights = (over: Partial<RecordingInsights['insights']> = {}, top: Partial<RecordingInsights> = {}): RecordingInsights => ({
  title: 'Call',
  domain: 'pbx',
  sourceRecordId: '2728084995017',
  sourceSessionId: 's-1',
  rsRecordUri: 'https://ringsense.ringcentral.com/calls/cfddf168',
  callDirection: 'Outbound',
  ownerExtensionId: '62288320001',
  recordingDurationMs: 125_600,
  recordingStartTime: '2024-09-04T21:00:00.000Z',
  lastModifiedTime: '2024-09-04T21:15:43.591Z',
  speakerInfo: [],
  insights: {
    Transcript: [],
    Summary: [{ value: 'The customer wants a quote.' }, { value: 'Pricing was discussed\nat length.' }],
    Highlights: [{ value: 'Budget is approved' }],
    NextSteps: [{ value: 'Send the quote' }, { value: 'Book a demo' }],
    AIScore: [{ value: '7' }],
    Sentiment: [{ value: 'Positive' }],
    ...over,
  },
  ...top,
});

const field = (name: string, type: string, over: Partial<TaskFieldInfo> = {}): TaskFieldInfo => ({
  name, label: name.replace(/__c$/, '').replace(/_/g, ' '), type, length: ['string', 'textarea', 'url', 'picklist'].includes(type) ? 255 : 0,
  precision: ['double', 'percent', 'currency'].includes(type) ? 18 : type === 'int' ? 9 : 0, scale: 0,
  createable: true, updateable: true, restrictedPicklist: false, picklistValues: [], ...over,
});
const catalogOf = (...fields: TaskFieldInfo[]): FieldCatalog => new Map(fields.map((f) => [f.name.toLowerCase(), f]));
const src = (from: TaskFieldSource['from'], values?: TaskFieldSource['values']): TaskFieldSource => (values ? { from, values } : { from });

const SENTIMENT = field('RingSense_Sentiment__c', 'picklist', { restrictedPicklist: true, picklistValues: ['Positive', 'Neutral', 'Negative'], label: 'Sentiment' });
const SCORE = field('RingSense_Score__c', 'double', { label: 'Score' });
const LINK = field('RingSense_Link__c', 'url', { label: 'Link' });

describe('mappedFields: each value coerced to its field type', () => {
  it('writes a restricted picklist, a number and a URL as typed values', () => {
    const r = mappedFields(insights(), { RingSense_Sentiment__c: src('sentiment'), RingSense_Score__c: src('aiScore'), RingSense_Link__c: src('rsRecordUri') }, catalogOf(SENTIMENT, SCORE, LINK));
    expect(r).toEqual({ values: { RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7, RingSense_Link__c: 'https://ringsense.ringcentral.com/calls/cfddf168' }, createOnly: [], skipped: [] });
  });

  it('uses the org spelling of the field name and of a picklist value matched ignoring case', () => {
    const r = mappedFields(insights({ Sentiment: [{ value: 'positive' }] }), { ringsense_sentiment__c: src('sentiment') }, catalogOf(SENTIMENT));
    expect(r.values).toEqual({ RingSense_Sentiment__c: 'Positive' });
  });

  it("applies the admin's value map (exact, then ignoring case); values not in the map pass as they are", () => {
    const map = { Positive: 'Good', neutral: 'Okay' };
    const picklist = field('S__c', 'picklist', { restrictedPicklist: true, picklistValues: ['Good', 'Okay', 'Negative'] });
    expect(mappedFields(insights(), { S__c: src('sentiment', map) }, catalogOf(picklist)).values).toEqual({ S__c: 'Good' });
    expect(mappedFields(insights({ Sentiment: [{ value: 'Neutral' }] }), { S__c: src('sentiment', map) }, catalogOf(picklist)).values).toEqual({ S__c: 'Okay' });
    expect(mappedFields(insights({ Sentiment: [{ value: 'Negative' }] }), { S__c: src('sentiment', map) }, catalogOf(picklist)).values).toEqual({ S__c: 'Negative' });
    // A value map to numbers fills a number field.
    const num = mappedFields(insights(), { N__c: src('sentiment', { Positive: 1, Neutral: 0, Negative: -1 }) }, catalogOf(field('N__c', 'double')));
    expect(num.values).toEqual({ N__c: 1 });
  });

  it('leaves out a picklist value a restricted picklist lacks, saying which (the call is still written)', () => {
    const r = mappedFields(insights({ Sentiment: [{ value: 'Neutral' }] }), { RingSense_Sentiment__c: src('sentiment') }, catalogOf({ ...SENTIMENT, picklistValues: ['Positive', 'Negative'] }));
    expect(r.values).toEqual({});
    expect(r.skipped).toEqual([{ field: 'RingSense_Sentiment__c', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Sentiment: the restricted picklist has no value "Neutral"' }]);
  });

  it('number, percent, currency and int: numeric, rounded to the scale, refused beyond the precision', () => {
    const ins = insights({ AIScore: [{ value: '7.46' }] });
    const r = mappedFields(ins, { A__c: src('aiScore'), B__c: src('aiScore'), C__c: src('aiScore'), D__c: src('durationSeconds'), E__c: src('durationSeconds') }, catalogOf(
      field('A__c', 'double', { scale: 1 }), field('B__c', 'percent'), field('C__c', 'currency', { scale: 2 }), field('D__c', 'int'), field('E__c', 'double', { precision: 2 }),
    ));
    expect(r.values).toEqual({ A__c: 7.5, B__c: 7, C__c: 7.46, D__c: 126 });
    expect(r.skipped).toEqual([{ field: 'E__c', code: 'NUMBER_OUTSIDE_VALID_RANGE', message: 'E: 126 has more than 2 digit(s) before the decimal point' }]);
    const notNumber = mappedFields(insights({ AIScore: [{ value: 'high' }] }), { A__c: src('aiScore') }, catalogOf(field('A__c', 'double')));
    expect(notNumber.skipped[0]).toMatchObject({ code: 'INVALID_TYPE_ON_FIELD_IN_RECORD' });
  });

  it('text: one line, lists joined, cut on a word to the field length; text area: one item per line', () => {
    const r = mappedFields(insights(), { T__c: src('nextSteps'), S__c: src('summary'), L__c: src('summary'), N__c: src('nextSteps') }, catalogOf(
      field('T__c', 'string'), field('S__c', 'string', { length: 40 }), field('L__c', 'textarea', { length: 32_000 }), field('N__c', 'textarea', { length: 32_000 }),
    ));
    expect(r.values.T__c).toBe('Send the quote; Book a demo');
    expect(r.values.S__c).toBe('The customer wants a quote. Pricing…');
    expect((r.values.S__c as string).length).toBeLessThanOrEqual(40);
    // The payload's own line break is no line of the record: only the product's, between items.
    expect(r.values.L__c).toBe('The customer wants a quote.\nPricing was discussed at length.');
    expect(r.values.N__c).toBe('Send the quote\nBook a demo');
  });

  it('cuts a text area on a word, keeping its lines', () => {
    expect(cutLines('alpha beta\ngamma delta epsilon', 20)).toBe('alpha beta\ngamma…');
    expect(cutLines('short', 20)).toBe('short');
  });

  it('a checkbox is true when the call has the value, false when not; a value map to true/false decides', () => {
    const box = field('Has_Notes__c', 'boolean');
    expect(mappedFields(insights({ CallNotes: [{ value: 'notes' }] }), { Has_Notes__c: src('callNotes') }, catalogOf(box)).values).toEqual({ Has_Notes__c: true });
    expect(mappedFields(insights(), { Has_Notes__c: src('callNotes') }, catalogOf(box)).values).toEqual({ Has_Notes__c: false });
    expect(mappedFields(insights(), { Has_Notes__c: src('sentiment', { Positive: false }) }, catalogOf(box)).values).toEqual({ Has_Notes__c: false });
  });

  it('an absent value is not written (the field is left as it is)', () => {
    const r = mappedFields(insights({ Sentiment: undefined, AIScore: [] }, { rsRecordUri: undefined }), { RingSense_Sentiment__c: src('sentiment'), RingSense_Score__c: src('aiScore'), RingSense_Link__c: src('rsRecordUri') }, catalogOf(SENTIMENT, SCORE, LINK));
    expect(r).toEqual({ values: {}, createOnly: [], skipped: [] });
  });

  it('leaves out fields the org does not have, the integration user cannot write, or whose type cannot hold the value', () => {
    const r = mappedFields(insights(), { Gone__c: src('sentiment'), Locked__c: src('sentiment'), Date__c: src('summary'), Pick__c: src('nextSteps'), Once__c: src('sentiment') }, catalogOf(
      field('Locked__c', 'string', { createable: false }), field('Date__c', 'date'), field('Pick__c', 'picklist'), field('Once__c', 'string', { updateable: false }),
    ));
    expect(r.values).toEqual({ Once__c: 'Positive' });
    expect(r.createOnly).toEqual(['Once__c']);
    expect(r.skipped.map((s) => [s.field, s.code])).toEqual([
      ['Gone__c', 'INVALID_FIELD'], ['Locked__c', 'INVALID_FIELD_FOR_INSERT_UPDATE'], ['Date__c', 'INCOMPATIBLE_FIELD_TYPE'], ['Pick__c', 'INCOMPATIBLE_FIELD_TYPE'],
    ]);
  });

  it('reads every value name: lists, QnA, the call facts; payload text as plain single lines', () => {
    const ins = insights({
      BulletedSummary: [{ value: 'Quote', section: 'Next' }],
      CallNotes: [{ value: 'a\u001b[31m note' }],
      QnA: [{ value: 'Are you still there?', speakerId: '1' }],
    }, { callDirection: 'Inbound', domain: 'rcx' });
    expect(sourceValue(ins, 'bulletedSummary')).toEqual({ kind: 'list', items: ['Next: Quote'] });
    expect(sourceValue(ins, 'callNotes')).toEqual({ kind: 'list', items: ['a note'] });
    expect(sourceValue(ins, 'qna')).toEqual({ kind: 'list', items: ['Are you still there?'] });
    expect(sourceValue(ins, 'highlights')).toEqual({ kind: 'list', items: ['Budget is approved'] });
    expect(sourceValue(ins, 'callDirection')).toEqual({ kind: 'text', text: 'Inbound' });
    expect(sourceValue(ins, 'domain')).toEqual({ kind: 'text', text: 'rcx' });
    expect(sourceValue(ins, 'sourceRecordId')).toEqual({ kind: 'text', text: '2728084995017' });
    expect(sourceValue(ins, 'sourceSessionId')).toEqual({ kind: 'text', text: 's-1' });
    expect(sourceValue(ins, 'durationSeconds')).toEqual({ kind: 'number', value: 126, text: '126' });
    expect(sourceValue(ins, 'aiScore')).toEqual({ kind: 'number', value: 7, text: '7' });
  });
});

describe('fieldProblems: the online check of a mapped field against describe', () => {
  it('passes a fitting field', () => {
    expect(fieldProblems('RingSense_Sentiment__c', src('sentiment'), catalogOf(SENTIMENT))).toEqual([]);
    expect(fieldProblems('RingSense_Score__c', src('aiScore'), catalogOf(SCORE))).toEqual([]);
    expect(fieldProblems('RingSense_Link__c', src('rsRecordUri'), catalogOf(LINK))).toEqual([]);
  });

  it('reports a restricted picklist missing a value the mapping can produce (after the value map)', () => {
    expect(fieldProblems('RingSense_Sentiment__c', src('sentiment'), catalogOf({ ...SENTIMENT, picklistValues: ['Positive', 'Negative'] })))
      .toEqual(['Task.RingSense_Sentiment__c is a restricted picklist without "Neutral": add it to its values, or map sentiment to values it has']);
    expect(producedValues(src('sentiment', { Positive: 'Good' }))).toEqual(['Good', 'Neutral', 'Negative']);
    expect(fieldProblems('RingSense_Sentiment__c', src('sentiment', { Positive: 'Good' }), catalogOf(SENTIMENT))[0]).toContain('without "Good"');
    expect(fieldProblems('RingSense_Sentiment__c', src('summary'), catalogOf(SENTIMENT))[0]).toContain('a list of texts');
    expect(fieldProblems('RingSense_Sentiment__c', src('rsRecordUri'), catalogOf(SENTIMENT))[0]).toContain('is free text');
  });

  it('reports a missing field, one the integration user cannot create or update, and a type that cannot hold the value', () => {
    expect(fieldProblems('Nope__c', src('sentiment'), catalogOf())[0]).toContain('Task has no field Nope__c');
    expect(fieldProblems('RingSense_Score__c', src('aiScore'), catalogOf({ ...SCORE, createable: false, updateable: false }))[0]).toContain('may not create or update Task.RingSense_Score__c');
    expect(fieldProblems('RingSense_Score__c', src('sentiment'), catalogOf(SCORE))[0]).toContain('is a double field: a double field needs a number');
    expect(fieldProblems('RingSense_Link__c', src('summary'), catalogOf(LINK))[0]).toContain('holds the link into RingSense');
  });
});

describe('namedFields and describe', () => {
  it('finds the mapped fields a refusal names, in fields or by API name in the message', () => {
    const names = ['RingSense_Sentiment__c', 'RingSense_Score__c'];
    expect(namedFields({ fields: ['ringsense_sentiment__c'], message: 'Sentiment: bad value for restricted picklist field' }, names)).toEqual(['RingSense_Sentiment__c']);
    expect(namedFields({ message: "No such column 'RingSense_Score__c' on sObject of type Task" }, names)).toEqual(['RingSense_Score__c']);
    expect(namedFields({ message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: no' }, names)).toEqual([]);
  });

  it("reads a describe field as Salesforce reports it (active picklist values only; int's digits)", () => {
    expect(fieldInfoOf({ name: 'S__c', label: 'S', type: 'picklist', length: 255, precision: 0, scale: 0, createable: true, updateable: false, restrictedPicklist: true,
      picklistValues: [{ value: 'A', active: true }, { value: 'B', active: false }] })).toEqual({
      name: 'S__c', label: 'S', type: 'picklist', length: 255, precision: 0, scale: 0, createable: true, updateable: false, restrictedPicklist: true, picklistValues: ['A'],
    });
    expect(fieldInfoOf({ name: 'I__c', type: 'int', digits: 9 })).toMatchObject({ precision: 9, label: 'I__c' });
    expect(fieldInfoOf({ type: 'int' })).toBeUndefined();
  });
});
