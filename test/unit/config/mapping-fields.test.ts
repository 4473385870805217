/** The mapping's `fields.task`: the shape, the value names and the field names, every problem located in the file. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.ts';
import { parseMapping } from '../../../src/config/load-mapping.ts';

const problems = (yaml: string): string[] => {
  try {
    parseMapping(yaml, 'mapping.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n').slice(1).map((l) => l.trim());
    throw e;
  }
  return [];
};

describe('mapping fields.task', () => {
  it('reads a value name and a value map alike, as { from, values }; absent, nothing is mapped', () => {
    const m = parseMapping(`fields:
  task:                                 # extra fields on the call activity
    RingSense_Sentiment__c: { from: sentiment, values: { Positive: Good, Neutral: 0, Negative: false } }
    RingSense_Score__c: aiScore
    RingSense_Link__c: rsRecordUri
`, 'mapping.yaml').mapping;
    expect(m.fields.task).toEqual({
      RingSense_Sentiment__c: { from: 'sentiment', values: { Positive: 'Good', Neutral: 0, Negative: false } },
      RingSense_Score__c: { from: 'aiScore' },
      RingSense_Link__c: { from: 'rsRecordUri' },
    });
    expect(parseMapping('users: {}\n', 'mapping.yaml').mapping.fields).toEqual({ task: {} });
    expect(parseMapping('fields:\n  # task: {}\n', 'mapping.yaml').mapping.fields).toEqual({ task: {} });
  });

  it('accepts every value name', () => {
    const names = ['summary', 'bulletedSummary', 'sentiment', 'aiScore', 'callNotes', 'highlights', 'nextSteps', 'qna', 'rsRecordUri', 'sourceRecordId', 'sourceSessionId', 'durationSeconds', 'callDirection', 'domain'];
    const yaml = `fields:\n  task:\n${names.map((n, i) => `    F${i}__c: ${n}\n`).join('')}`;
    expect(Object.values(parseMapping(yaml, 'mapping.yaml').mapping.fields.task).map((s) => s.from)).toEqual(names);
  });

  it('refuses a bad value name where it stands, with the nearest name', () => {
    expect(problems('fields:\n  task:\n    RingSense_Sentiment__c: sentimant\n')).toEqual([
      expect.stringMatching(/^- line 3, column 29: fields\.task\.RingSense_Sentiment__c: unknown value "sentimant"; did you mean "sentiment"\? \(values: summary, .*domain\)$/),
    ]);
    expect(problems('fields:\n  task:\n    A__c: { from: aiscore, valus: { a: b } }\n')).toEqual([
      expect.stringContaining('line 3, column 19: fields.task.A__c.from: unknown value "aiscore"; did you mean "aiScore"?'),
      '- line 3, column 35: fields.task.A__c.valus: unknown key "valus"; did you mean "values"?',
    ]);
  });

  it('refuses a bad shape: a list, no from, a value map to a list', () => {
    expect(problems('fields:\n  task:\n    A__c: [summary]\n')[0]).toContain('line 3, column 11: fields.task.A__c: expected a value name (summary,');
    expect(problems('fields:\n  task:\n    A__c: { values: {} }\n')).toEqual(['- line 3, column 11: fields.task.A__c: missing "from": the value to write (e.g. from: sentiment)']);
    expect(problems('fields:\n  task:\n    A__c: { from: sentiment, values: { Positive: [1] } }\n')).toEqual(['- line 3, column 50: fields.task.A__c.values.Positive: expected the value to write: text, a number, or true/false']);
    expect(problems('fields:\n  tasks: {}\n')).toEqual(['- line 2, column 3: fields.tasks: unknown key "tasks"; did you mean "task"?']);
  });

  it("refuses field names that are not API names, the sync's own fields, the same field twice and the key field", () => {
    expect(problems(`fields:
  task:
    Subject: summary
    "bad name": summary
salesforce:
  externalIdField: RingSense_Call_Id__c
`)).toEqual([
      '- line 3, column 5: fields.task.Subject: Task.Subject is written by the sync itself; map the value to a field of your own (e.g. RingSense_Subject__c)',
      '- line 4, column 5: fields.task."bad name": expected a Task field API name such as RingSense_Sentiment__c',
    ]);
    expect(problems('fields:\n  task:\n    Rs__c: summary\n    rs__c: summary\n')).toEqual(['- line 4, column 5: fields.task.rs__c: "rs__c" is the same field as "Rs__c" (Salesforce API names ignore case); keep one']);
    expect(problems('fields:\n  task:\n    RingSense_Call_Id__c: sourceRecordId\nsalesforce:\n  externalIdField: RingSense_Call_Id__c\n')).toEqual([
      "- line 3, column 5: fields.task.RingSense_Call_Id__c: Task.RingSense_Call_Id__c holds the sync's call keys (salesforce.externalIdField); map the value to another field",
    ]);
  });
});
