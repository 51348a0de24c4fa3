import type { ChatRequest } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { detectLanguage, lastUserText, promptCharacters } from './prompt-text.js';

describe('detectLanguage', () => {
  it('detects Chinese', () => {
    expect(detectLanguage('请帮我总结一下这篇文章的主要内容')).toBe('zh');
  });

  it('detects Japanese from kana mixed with kanji', () => {
    expect(detectLanguage('この文章を日本語で要約してください')).toBe('ja');
  });

  it('detects Korean', () => {
    expect(detectLanguage('이 글의 주요 내용을 요약해 주세요')).toBe('ko');
  });

  it('leaves English undetected', () => {
    expect(detectLanguage('Please summarise this article for me')).toBeUndefined();
  });

  it('leaves mostly-English text with one Han character undetected', () => {
    expect(detectLanguage('Please explain what the character 水 means in this sentence')).toBeUndefined();
  });

  it('leaves text without letters undetected', () => {
    expect(detectLanguage('')).toBeUndefined();
    expect(detectLanguage('1234 !?')).toBeUndefined();
  });
});

describe('lastUserText', () => {
  it('reads the last user message, joining text parts', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [
        { role: 'user', content: 'first' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello ' },
            { type: 'image_url', image_url: { url: 'http://x' } },
            { type: 'text', text: 'world' },
          ],
        },
        { role: 'assistant', content: 'reply' },
      ],
    };
    expect(lastUserText(request)).toBe('hello world');
  });

  it('is empty without a user message', () => {
    expect(lastUserText({ model: 'm', messages: [{ role: 'system', content: 'be brief' }] })).toBe('');
  });
});

describe('promptCharacters', () => {
  it('counts the text of every message', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [
        { role: 'system', content: 'abc' },
        { role: 'user', content: [{ type: 'text', text: 'defg' }] },
        { role: 'assistant', content: null },
      ],
    };
    expect(promptCharacters(request)).toBe(7);
  });
});
