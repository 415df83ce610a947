/** Under the `test` condition (the tests): every answer is parsed against its schema. */
export const checkAnswers: boolean = true;
